/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MODEL_SHIM_LINUX_EXPORT_H
#define _MODEL_SHIM_LINUX_EXPORT_H
#endif
