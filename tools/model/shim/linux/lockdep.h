/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MODEL_SHIM_LINUX_LOCKDEP_H
#define _MODEL_SHIM_LINUX_LOCKDEP_H

#include <linux/bug.h>

/* The model is a lockdep kernel: its assertions are checked. */
#define lockdep_assert_once(cond)	WARN_ON_ONCE(!(cond))

#endif
