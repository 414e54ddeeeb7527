#ifndef COLLABGRID_CMARIADB_SHIM_H
#define COLLABGRID_CMARIADB_SHIM_H
#include <mysql.h>
#include <errmsg.h>
#endif
