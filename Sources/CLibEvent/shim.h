// The libevent API that EventHTTP uses, made importable by Swift.
//
// The libc headers come first: libevent's config header defines
// _GNU_SOURCE, and including it before them makes fd_set differ between
// this module and Glibc.
#ifndef MPESA_CLIBEVENT_SHIM_H
#define MPESA_CLIBEVENT_SHIM_H

#include <sys/types.h>
#include <sys/time.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <event2/event.h>
#include <event2/thread.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <event2/util.h>

#endif
