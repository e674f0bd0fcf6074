/*
 * CLibXML2: the parts of libxml2 scrape uses, for Swift.
 * HTMLparser.h for the push parser, parserInternals.h for xmlSwitchToEncoding.
 */
#ifndef CLIBXML2_H
#define CLIBXML2_H

#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <libxml/encoding.h>

/* The parser context's input cursor and end, at the moment a SAX callback runs.
 * The buffer holds the document already decoded to UTF-8. */
static inline const xmlChar *clibxml2_input_cursor(xmlParserCtxtPtr ctxt) {
    return (ctxt != NULL && ctxt->input != NULL) ? ctxt->input->cur : NULL;
}

static inline const xmlChar *clibxml2_input_end(xmlParserCtxtPtr ctxt) {
    return (ctxt != NULL && ctxt->input != NULL) ? ctxt->input->end : NULL;
}

#endif /* CLIBXML2_H */
