/*
 * CLibYAML: libyaml's event parser, for ScrapeCore's config reader (Config/YAML).
 *
 * Only the parser is used (no loader, no emitter): ScrapeCore composes the events into
 * its own nodes, so anchors, tags and errors follow the rules written there. Keep this
 * file to includes: no policy, no state.
 */
#ifndef CLIBYAML_H
#define CLIBYAML_H

#include <yaml.h>

#endif
