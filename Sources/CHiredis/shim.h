#ifndef COLLABGRID_CHIREDIS_SHIM_H
#define COLLABGRID_CHIREDIS_SHIM_H
#include <hiredis/hiredis.h>
#endif
