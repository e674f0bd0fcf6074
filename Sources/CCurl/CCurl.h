/*
 * CCurl: typed, prefixed wrappers around libcurl's variadic entry points.
 *
 * Swift cannot call C variadic functions (curl_easy_setopt, curl_easy_getinfo,
 * curl_multi_setopt), so each argument kind gets one `static inline` wrapper.
 * Keep this file to wrappers only: no policy, no state.
 */
#ifndef CCURL_H
#define CCURL_H

#include <curl/curl.h>
#include <sys/eventfd.h>

/* ---- global ---------------------------------------------------------- */

/* curl_global_init(CURL_GLOBAL_ALL); the flag macro does not import into Swift. */
static inline CURLcode ccurl_global_init(void) {
    return curl_global_init(CURL_GLOBAL_ALL);
}

/* curl_version_info(CURLVERSION_NOW); CURLVERSION_NOW does not import. */
static inline const curl_version_info_data *ccurl_version_info(void) {
    return curl_version_info(CURLVERSION_NOW);
}

/* ---- curl_easy_setopt ------------------------------------------------ */

static inline CURLcode ccurl_easy_setopt_long(CURL *easy, CURLoption option, long value) {
    return curl_easy_setopt(easy, option, value);
}

static inline CURLcode ccurl_easy_setopt_off_t(CURL *easy, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(easy, option, value);
}

/* libcurl copies strings passed here (except CURLOPT_POSTFIELDS, see below). */
static inline CURLcode ccurl_easy_setopt_string(CURL *easy, CURLoption option, const char *value) {
    return curl_easy_setopt(easy, option, value);
}

/* Pointers libcurl keeps without copying: WRITEDATA, HEADERDATA, ERRORBUFFER, POSTFIELDS. */
static inline CURLcode ccurl_easy_setopt_pointer(CURL *easy, CURLoption option, void *value) {
    return curl_easy_setopt(easy, option, value);
}

static inline CURLcode ccurl_easy_setopt_slist(CURL *easy, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(easy, option, value);
}

/* WRITEFUNCTION and HEADERFUNCTION share curl_write_callback's signature. */
static inline CURLcode ccurl_easy_setopt_write_callback(CURL *easy, CURLoption option, curl_write_callback value) {
    return curl_easy_setopt(easy, option, value);
}

/* ---- curl_easy_getinfo ----------------------------------------------- */

static inline CURLcode ccurl_easy_getinfo_long(CURL *easy, CURLINFO info, long *value) {
    return curl_easy_getinfo(easy, info, value);
}

static inline CURLcode ccurl_easy_getinfo_off_t(CURL *easy, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(easy, info, value);
}

/* The string stays owned by the easy handle; copy it before curl_easy_cleanup/reset. */
static inline CURLcode ccurl_easy_getinfo_string(CURL *easy, CURLINFO info, const char **value) {
    return curl_easy_getinfo(easy, info, value);
}

/* ---- curl_multi_setopt ----------------------------------------------- */

static inline CURLMcode ccurl_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}

static inline CURLMcode ccurl_multi_setopt_pointer(CURLM *multi, CURLMoption option, void *value) {
    return curl_multi_setopt(multi, option, value);
}

/* The driver's wakeup descriptor (sys/eventfd.h is not in Swift's Glibc module). */
static inline int ccurl_wakeup_eventfd(void) {
    return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

/* CURLMOPT_SOCKETFUNCTION: curl says which events it wants on which socket. */
static inline CURLMcode ccurl_multi_setopt_socket_function(CURLM *multi, curl_socket_callback callback) {
    return curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, callback);
}

/* CURLMOPT_TIMERFUNCTION: curl says when it next needs a CURL_SOCKET_TIMEOUT call. */
static inline CURLMcode ccurl_multi_setopt_timer_function(CURLM *multi, curl_multi_timer_callback callback) {
    return curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, callback);
}

/* ---- CURLMsg --------------------------------------------------------- */

/* The result of a CURLMSG_DONE message (an anonymous-ish union member in C). */
static inline CURLcode ccurl_msg_result(const CURLMsg *message) {
    return message->data.result;
}

/* ---- cookies: share handle ------------------------------------------ */

/* curl_share_setopt(CURLSHOPT_SHARE / CURLSHOPT_UNSHARE, data): curl reads an int. */
static inline CURLSHcode ccurl_share_setopt_lock_data(CURLSH *share, CURLSHoption option, curl_lock_data data) {
    return curl_share_setopt(share, option, (int)data);
}

static inline CURLSHcode ccurl_share_setopt_lockfunc(CURLSH *share, curl_lock_function function) {
    return curl_share_setopt(share, CURLSHOPT_LOCKFUNC, function);
}

static inline CURLSHcode ccurl_share_setopt_unlockfunc(CURLSH *share, curl_unlock_function function) {
    return curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, function);
}

static inline CURLSHcode ccurl_share_setopt_userdata(CURLSH *share, void *userdata) {
    return curl_share_setopt(share, CURLSHOPT_USERDATA, userdata);
}

/* CURLINFO_COOKIELIST: the list is the caller's; free it with curl_slist_free_all. */
static inline CURLcode ccurl_easy_getinfo_slist(CURL *easy, CURLINFO info, struct curl_slist **value) {
    return curl_easy_getinfo(easy, info, value);
}

#endif /* CCURL_H */
