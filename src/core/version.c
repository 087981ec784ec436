/* dh_version: the library's own version, for a program to check against the header it was built
 * with (DH_VERSION). */
#include "dockerhub_oat.h"

const char *dh_version(void) { return DH_VERSION; }
