/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MODEL_SHIM_LINUX_TRACEPOINT_DEFS_H
#define _MODEL_SHIM_LINUX_TRACEPOINT_DEFS_H

/*
 * Every event of the core reaches the model (linux/tracepoint.h), but a
 * test of whether one is enabled says no: the core then takes the paths
 * it takes when nobody records, such as lfpu_fp_vcpu_put()'s return
 * without a call, and the model checks those.
 */
#define DECLARE_TRACEPOINT(tp)	extern int model_tracepoint_##tp
#define tracepoint_enabled(tp)	0

#endif
