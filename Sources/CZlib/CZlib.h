// zlib, for permessage-deflate (RFC 7692). inflateInit2 is a macro; ScrapeStream calls
// inflateInit2_ with zlibVersion() and sizeof(z_stream), which is what the macro expands to.
#include <zlib.h>
