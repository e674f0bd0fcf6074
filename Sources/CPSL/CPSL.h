/*
 * CPSL: libpsl from Debian (libpsl-dev), the public suffix list, for `scrape crawl
 * --scope domain` (registrable domains). Includes only.
 */
#ifndef CPSL_H
#define CPSL_H

#include <libpsl.h>

#endif
