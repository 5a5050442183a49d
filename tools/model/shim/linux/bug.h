/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MODEL_SHIM_LINUX_BUG_H
#define _MODEL_SHIM_LINUX_BUG_H

#include "../../model.h"

/* A WARN is a model failure: the core's own assertion caught a bad state. */
#define WARN_ON_ONCE(cond)						\
	({								\
		bool __c = !!(cond);					\
		if (__c)						\
			model_core_warned(__FILE__, __LINE__, #cond);	\
		__c;							\
	})
#define WARN_ON(cond) WARN_ON_ONCE(cond)

#endif
