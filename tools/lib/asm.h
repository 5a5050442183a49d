/* SPDX-License-Identifier: GPL-2.0 */
/* The guest ISA assembler (asm.c). */
#ifndef _LAZYFPU_TOOLS_ASM_H
#define _LAZYFPU_TOOLS_ASM_H

#include <stddef.h>
#include <stdint.h>

struct lfpu_image {
	uint8_t *bytes;
	size_t size;
	size_t capacity;
};

/* Returns 0, or -1 with a message ("line N: ...") in @err. */
int lfpu_assemble(const char *source, struct lfpu_image *img, char *err, size_t errlen);
void lfpu_image_free(struct lfpu_image *img);

#endif
