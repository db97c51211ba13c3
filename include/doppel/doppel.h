// Everything an application needs for host and replica work, in one include.
#pragma once

#include "doppel/channel.h"
#include "doppel/event_loop.h"
#include "doppel/host.h"
#include "doppel/interface.h"
#include "doppel/limits.h"
#include "doppel/log.h"
#include "doppel/node.h"
#include "doppel/pending_reply.h"
#include "doppel/replica.h"
#include "doppel/result.h"
#include "doppel/runtime.h"
#include "doppel/signal.h"
#include "doppel/source.h"
#include "doppel/sqlite_store.h"
#include "doppel/store.h"
#include "doppel/value.h"
