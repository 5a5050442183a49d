/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MODEL_SHIM_KUNIT_VISIBILITY_H
#define _MODEL_SHIM_KUNIT_VISIBILITY_H
#define EXPORT_SYMBOL_IF_KUNIT(sym)
#endif
