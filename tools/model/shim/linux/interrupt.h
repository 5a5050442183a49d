/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MODEL_SHIM_LINUX_INTERRUPT_H
#define _MODEL_SHIM_LINUX_INTERRUPT_H

#include "../../model.h"

#define local_softirq_pending()	model_softirq_pending()
#define lockdep_assert_irqs_disabled()					\
	do {								\
		if (!model_irqs_disabled())				\
			model_core_warned(__FILE__, __LINE__,		\
					  "IRQs enabled");		\
	} while (0)

#endif
