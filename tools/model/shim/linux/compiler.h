/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MODEL_SHIM_LINUX_COMPILER_H
#define _MODEL_SHIM_LINUX_COMPILER_H

#include "../../model.h"	/* READ_ONCE(), WRITE_ONCE() */

#endif
