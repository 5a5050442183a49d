/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MODEL_SHIM_LINUX_ERRNO_H
#define _MODEL_SHIM_LINUX_ERRNO_H
#include_next <linux/errno.h>
#endif
