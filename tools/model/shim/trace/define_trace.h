/* SPDX-License-Identifier: GPL-2.0 */
/* The model needs no tracepoint definitions: see linux/tracepoint.h. */
