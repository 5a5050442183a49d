/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MODEL_SHIM_LINUX_JUMP_LABEL_H
#define _MODEL_SHIM_LINUX_JUMP_LABEL_H

/* A static key is a plain flag; the model never sets one. */
struct static_key_false {
	int enabled;
};

#define DECLARE_STATIC_KEY_FALSE(name)	extern struct static_key_false name
#define DEFINE_STATIC_KEY_FALSE(name)	struct static_key_false name
#define static_branch_unlikely(key)	((key)->enabled)

#endif
