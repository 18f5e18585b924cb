// The libpq API that PostgresClient uses, made importable by Swift.
#ifndef MPESA_CLIBPQ_SHIM_H
#define MPESA_CLIBPQ_SHIM_H

#include <libpq-fe.h>

// PG_DIAG_* are character constants that Swift does not import.
static const int mpesa_pg_diag_sqlstate = 'C';
static const int mpesa_pg_diag_message_primary = 'M';
static const int mpesa_pg_diag_message_detail = 'D';
static const int mpesa_pg_diag_constraint_name = 'n';

#endif
