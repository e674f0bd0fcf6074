/*
 * CLibXML2: the parts of libxml2 that hold scrape's HTML trees and evaluate XPath.
 *
 * libxml2's HTML parser is not used (it is HTML4-era; ScrapeHTML builds the tree by the
 * HTML standard's rules and links libxml2 nodes itself). Keep this file to includes and
 * wrappers that Swift cannot express: no policy, no state.
 */
#ifndef CLIBXML2_H
#define CLIBXML2_H

/* Debian's libxml2 is built with ICU, and encoding.h (reached from tree.h) then includes
 * ICU's headers, whose UErrorCode clashes with Foundation's own ICU copy in any module
 * that sees both ("'UErrorCode' has different definitions in different modules"). scrape
 * never touches libxml2's encoding handlers (text arrives as UTF-8), so their ICU fields
 * are left out of our view. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/tree.h>
#include <libxml/dict.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/parserInternals.h>

/* xmlFree is a global function-pointer variable, which Swift 6 sees as shared mutable state. */
static inline void cxml_free(void *pointer) {
    xmlFree(pointer);
}

/* The names libxml2 gives every text and comment node (xmlStringText, xmlStringComment):
 * arrays of unknown size, which Swift does not import. Nodes made outside libxml2 (a
 * document's NodeArena) carry the same pointers, as libxml2's own functions expect. */
static inline const xmlChar *cxml_text_name(void) {
    return xmlStringText;
}

static inline const xmlChar *cxml_comment_name(void) {
    return xmlStringComment;
}

#endif
