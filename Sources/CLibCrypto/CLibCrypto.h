/*
 * CLibCrypto: OpenSSL's libcrypto, for the SHA-256 of every page body (content_sha256).
 *
 * Only the one-shot SHA256() is used: it is not deprecated in OpenSSL 3, needs no
 * provider fetch per call, and uses the CPU's SHA extensions (SHA-NI) where present.
 * libcurl (the OpenSSL flavour) already loads libcrypto.so.3 into the process.
 */
#ifndef CLIBCRYPTO_H
#define CLIBCRYPTO_H

#include <openssl/sha.h>

#endif
