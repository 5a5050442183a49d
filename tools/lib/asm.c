// SPDX-License-Identifier: GPL-2.0
/*
 * A two-pass assembler for the lazyfpu guest ISA
 * (include/uapi/linux/lazyfpu_isa.h).  Documentation/guest-isa.rst
 * describes the syntax; in short:
 *
 *	; comment (or #)
 *	label:
 *		movi	r1, 10
 *		ld	r2, [r1 + 8]
 *		vld.256	v0, [r3]		(.vl: an SVE vCPU's whole vector)
 *		vaddpd	v0, v1
 *		bne	r1, r2, label
 *		.f64	1.5, -2.25
 *		.quad	label, 42
 *		.align	32
 *		.zero	64
 *		.ascii	"text"
 *
 * The image is placed at guest address 0 and execution starts there.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/lazyfpu_isa.h>

#include "asm.h"

#define MAX_LABELS	1024
#define MAX_LINE	512

enum operands {
	OPS_NONE,	/* hlt */
	OPS_R_IMM,	/* movi r, imm */
	OPS_R_R,	/* mov r, r */
	OPS_R_R_R,	/* add r, r, r */
	OPS_R_R_IMM,	/* shl r, r, imm */
	OPS_R_MEM,	/* ld r, [r + imm] */
	OPS_IMM,	/* jmp label */
	OPS_R_R_IMM_B,	/* beq r, r, label */
	OPS_R_IMM_L,	/* loop r, label; out r, port */
	OPS_V_MEM,	/* vld v, [r + imm] */
	OPS_V_V,	/* vaddps v, v */
	OPS_R_V,	/* vred r, v */
	OPS_V_R,	/* cvtif v, r */
	OPS_RM,		/* setrm nearest */
	OPS_R,		/* getcsr r */
};

struct mnemonic {
	const char *name;
	uint8_t op;
	enum operands ops;
	int vector;	/* accepts a .256 suffix */
};

static const struct mnemonic mnemonics[] = {
	{ "nop", LFPU_OP_NOP, OPS_NONE, 0 },
	{ "hlt", LFPU_OP_HLT, OPS_NONE, 0 },
	{ "movi", LFPU_OP_MOVI, OPS_R_IMM, 0 },
	{ "movhi", LFPU_OP_MOVHI, OPS_R_IMM, 0 },
	{ "mov", LFPU_OP_MOV, OPS_R_R, 0 },
	{ "add", LFPU_OP_ADD, OPS_R_R_R, 0 },
	{ "sub", LFPU_OP_SUB, OPS_R_R_R, 0 },
	{ "mul", LFPU_OP_MUL, OPS_R_R_R, 0 },
	{ "and", LFPU_OP_AND, OPS_R_R_R, 0 },
	{ "or", LFPU_OP_OR, OPS_R_R_R, 0 },
	{ "xor", LFPU_OP_XOR, OPS_R_R_R, 0 },
	{ "shl", LFPU_OP_SHL, OPS_R_R_IMM, 0 },
	{ "shr", LFPU_OP_SHR, OPS_R_R_IMM, 0 },
	{ "addi", LFPU_OP_ADDI, OPS_R_R_IMM, 0 },
	{ "ld", LFPU_OP_LD, OPS_R_MEM, 0 },
	{ "st", LFPU_OP_ST, OPS_R_MEM, 0 },
	{ "jmp", LFPU_OP_JMP, OPS_IMM, 0 },
	{ "beq", LFPU_OP_BEQ, OPS_R_R_IMM_B, 0 },
	{ "bne", LFPU_OP_BNE, OPS_R_R_IMM_B, 0 },
	{ "blt", LFPU_OP_BLT, OPS_R_R_IMM_B, 0 },
	{ "loop", LFPU_OP_LOOP, OPS_R_IMM_L, 0 },
	{ "out", LFPU_OP_OUT, OPS_R_IMM_L, 0 },
	{ "in", LFPU_OP_IN, OPS_R_IMM_L, 0 },
	{ "hcall", LFPU_OP_HCALL, OPS_R_IMM_L, 0 },
	{ "yield", LFPU_OP_YIELD, OPS_NONE, 0 },
	{ "vld", LFPU_OP_VLD, OPS_V_MEM, 1 },
	{ "vst", LFPU_OP_VST, OPS_V_MEM, 1 },
	{ "vmov", LFPU_OP_VMOV, OPS_V_V, 1 },
	{ "vaddps", LFPU_OP_VADDPS, OPS_V_V, 1 },
	{ "vmulps", LFPU_OP_VMULPS, OPS_V_V, 1 },
	{ "vaddpd", LFPU_OP_VADDPD, OPS_V_V, 1 },
	{ "vmulpd", LFPU_OP_VMULPD, OPS_V_V, 1 },
	{ "vsubpd", LFPU_OP_VSUBPD, OPS_V_V, 1 },
	{ "vxor", LFPU_OP_VXOR, OPS_V_V, 1 },
	{ "vaddq", LFPU_OP_VADDQ, OPS_V_V, 1 },
	{ "vred", LFPU_OP_VRED, OPS_R_V, 1 },
	{ "setrm", LFPU_OP_SETRM, OPS_RM, 0 },
	{ "getcsr", LFPU_OP_GETCSR, OPS_R, 0 },
	{ "cvtif", LFPU_OP_CVTIF, OPS_V_R, 0 },
	{ "cvtfi", LFPU_OP_CVTFI, OPS_R_V, 0 },
};

struct label {
	char name[64];
	uint64_t addr;
};

struct assembler {
	struct lfpu_image *img;
	struct label labels[MAX_LABELS];
	int nlabels;
	int pass;
	int line;
	char *err;
	size_t errlen;
	int failed;
};

static void error(struct assembler *as, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (as->failed)
		return;
	as->failed = 1;
	n = snprintf(as->err, as->errlen, "line %d: ", as->line);
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < as->errlen)
		vsnprintf(as->err + n, as->errlen - n, fmt, ap);
	va_end(ap);
}

static void emit_bytes(struct assembler *as, const void *p, size_t n)
{
	struct lfpu_image *img = as->img;

	if (as->pass == 2) {
		if (img->size + n > img->capacity) {
			size_t cap = img->capacity ? img->capacity * 2 : 4096;

			while (cap < img->size + n)
				cap *= 2;
			img->bytes = realloc(img->bytes, cap);
			if (!img->bytes) {
				error(as, "out of memory");
				return;
			}
			memset(img->bytes + img->capacity, 0, cap - img->capacity);
			img->capacity = cap;
		}
		if (p)
			memcpy(img->bytes + img->size, p, n);
	}
	img->size += n;
}

static char *skip_space(char *s)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	return s;
}

/* Split at the next top-level comma; returns the rest or NULL. */
static char *next_operand(char **s)
{
	char *start = skip_space(*s), *p = start, *end;
	int depth = 0;

	if (!*start)
		return NULL;
	for (; *p; p++) {
		if (*p == '[')
			depth++;
		else if (*p == ']')
			depth--;
		else if (*p == ',' && !depth)
			break;
	}
	*s = *p ? p + 1 : p;
	*p = '\0';
	end = start + strlen(start);
	while (end > start && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return start;
}

static int find_label(struct assembler *as, const char *name, uint64_t *addr)
{
	int i;

	for (i = 0; i < as->nlabels; i++)
		if (!strcmp(as->labels[i].name, name)) {
			*addr = as->labels[i].addr;
			return 1;
		}
	return 0;
}

/* A number or a label. */
static int64_t parse_value(struct assembler *as, const char *tok)
{
	uint64_t addr;
	char *end;
	long long v;

	if (!tok || !*tok) {
		error(as, "missing operand");
		return 0;
	}
	if (isdigit((unsigned char)tok[0]) || tok[0] == '-' || tok[0] == '+') {
		errno = 0;
		v = strtoll(tok, &end, 0);
		if (*skip_space(end) || errno)
			error(as, "bad number '%s'", tok);
		return v;
	}
	if (find_label(as, tok, &addr))
		return (int64_t)addr;
	if (as->pass == 2)
		error(as, "unknown label '%s'", tok);
	return 0;
}

static int32_t parse_imm32(struct assembler *as, const char *tok)
{
	int64_t v = parse_value(as, tok);

	if (v < INT32_MIN || v > INT32_MAX)
		error(as, "immediate '%s' does not fit in 32 bits", tok);
	return (int32_t)v;
}

static uint8_t parse_reg(struct assembler *as, const char *tok, char kind)
{
	char *end;
	long n;

	if (!tok || tolower((unsigned char)tok[0]) != kind) {
		error(as, "expected a %c register, got '%s'", kind, tok ? tok : "");
		return 0;
	}
	n = strtol(tok + 1, &end, 10);
	if (end == tok + 1 || *end || n < 0 || n > 15) {
		error(as, "bad register '%s'", tok);
		return 0;
	}
	return (uint8_t)n;
}

/* "[rB]", "[rB + imm]", "[rB - imm]" */
static void parse_mem(struct assembler *as, char *tok, uint8_t *base, int32_t *imm)
{
	char *p, *close, sign = '+';

	*base = 0;
	*imm = 0;
	if (!tok || tok[0] != '[' || !(close = strchr(tok, ']'))) {
		error(as, "expected [rN + offset], got '%s'", tok ? tok : "");
		return;
	}
	*close = '\0';
	p = skip_space(tok + 1);
	tok = p;
	while (*p && !isspace((unsigned char)*p) && *p != '+' && *p != '-')
		p++;
	if (*p) {
		char *q = skip_space(p);

		sign = *q;
		*p = '\0';
		if (sign != '+' && sign != '-') {
			error(as, "bad memory operand");
			return;
		}
		*imm = parse_imm32(as, skip_space(q + 1));
		if (sign == '-')
			*imm = -*imm;
	}
	*base = parse_reg(as, tok, 'r');
}

static int parse_rounding(struct assembler *as, const char *tok)
{
	static const char *const names[] = { "nearest", "down", "up", "zero" };
	int i;

	for (i = 0; i < 4; i++)
		if (tok && !strcmp(tok, names[i]))
			return i;
	return parse_imm32(as, tok);
}

static void emit_insn(struct assembler *as, uint8_t op, uint8_t a, uint8_t b,
		      uint8_t c, int32_t imm)
{
	uint64_t w = (uint64_t)op | (uint64_t)a << 8 | (uint64_t)b << 16 |
		     (uint64_t)c << 24 | (uint64_t)(uint32_t)imm << 32;
	uint8_t le[8];
	int i;

	for (i = 0; i < 8; i++)
		le[i] = (uint8_t)(w >> (8 * i));
	emit_bytes(as, le, sizeof(le));
}

static void assemble_insn(struct assembler *as, char *mn, char *rest)
{
	char *o1, *o2, *o3, *dot = strchr(mn, '.');
	const struct mnemonic *m = NULL;
	uint8_t a = 0, b = 0, c = 0;
	int32_t imm = 0;
	size_t i;

	if (dot)
		*dot++ = '\0';
	for (i = 0; i < sizeof(mnemonics) / sizeof(mnemonics[0]); i++)
		if (!strcmp(mnemonics[i].name, mn))
			m = &mnemonics[i];
	if (!m) {
		error(as, "unknown instruction '%s'", mn);
		return;
	}
	if (dot) {
		if (m->vector && !strcmp(dot, "256")) {
			c = LFPU_WIDTH_256;
		} else if (m->vector && !strcmp(dot, "vl")) {
			c = LFPU_WIDTH_VL;
		} else {
			error(as, "bad suffix '.%s' on '%s'", dot, mn);
			return;
		}
	}

	/* Pad to an 8-byte boundary: instructions are aligned. */
	while (as->img->size % LFPU_INSN_BYTES)
		emit_bytes(as, "", 1);

	o1 = next_operand(&rest);
	o2 = next_operand(&rest);
	o3 = next_operand(&rest);
	switch (m->ops) {
	case OPS_NONE:
		break;
	case OPS_R_IMM:
		a = parse_reg(as, o1, 'r');
		imm = parse_imm32(as, o2);
		break;
	case OPS_R_R:
		a = parse_reg(as, o1, 'r');
		b = parse_reg(as, o2, 'r');
		break;
	case OPS_R_R_R:
		a = parse_reg(as, o1, 'r');
		b = parse_reg(as, o2, 'r');
		c = parse_reg(as, o3, 'r');
		break;
	case OPS_R_R_IMM:
	case OPS_R_R_IMM_B:
		a = parse_reg(as, o1, 'r');
		b = parse_reg(as, o2, 'r');
		imm = parse_imm32(as, o3);
		break;
	case OPS_R_MEM:
		a = parse_reg(as, o1, 'r');
		parse_mem(as, o2, &b, &imm);
		break;
	case OPS_IMM:
		imm = parse_imm32(as, o1);
		break;
	case OPS_R_IMM_L:
		a = parse_reg(as, o1, 'r');
		imm = parse_imm32(as, o2);
		break;
	case OPS_V_MEM:
		a = parse_reg(as, o1, 'v');
		parse_mem(as, o2, &b, &imm);
		break;
	case OPS_V_V:
		a = parse_reg(as, o1, 'v');
		b = parse_reg(as, o2, 'v');
		break;
	case OPS_R_V:
		a = parse_reg(as, o1, 'r');
		b = parse_reg(as, o2, 'v');
		break;
	case OPS_V_R:
		a = parse_reg(as, o1, 'v');
		b = parse_reg(as, o2, 'r');
		break;
	case OPS_RM:
		imm = parse_rounding(as, o1);
		break;
	case OPS_R:
		a = parse_reg(as, o1, 'r');
		break;
	}
	emit_insn(as, m->op, a, b, c, imm);
}

static void assemble_directive(struct assembler *as, const char *dir, char *rest)
{
	char *tok;

	if (!strcmp(dir, ".ascii")) {
		char *open = strchr(rest, '"'), *close = open ? strrchr(open + 1, '"') : NULL;

		if (!open || !close) {
			error(as, ".ascii needs a quoted string");
			return;
		}
		emit_bytes(as, open + 1, (size_t)(close - open - 1));
	} else if (!strcmp(dir, ".align")) {
		int64_t n = parse_value(as, next_operand(&rest));

		if (n <= 0 || (n & (n - 1))) {
			error(as, ".align needs a power of two");
			return;
		}
		while (as->img->size % n)
			emit_bytes(as, "", 1);
	} else if (!strcmp(dir, ".zero")) {
		int64_t n = parse_value(as, next_operand(&rest));

		if (n < 0 || n > (1 << 26)) {
			error(as, "bad .zero size");
			return;
		}
		while (n--)
			emit_bytes(as, "", 1);
	} else if (!strcmp(dir, ".quad") || !strcmp(dir, ".f64") || !strcmp(dir, ".f32")) {
		while ((tok = next_operand(&rest))) {
			if (!strcmp(dir, ".quad")) {
				uint64_t v = (uint64_t)parse_value(as, tok);
				uint8_t le[8];
				int i;

				for (i = 0; i < 8; i++)
					le[i] = (uint8_t)(v >> (8 * i));
				emit_bytes(as, le, 8);
			} else {
				char *end;
				double d = strtod(tok, &end);

				if (*skip_space(end))
					error(as, "bad number '%s'", tok);
				if (!strcmp(dir, ".f64")) {
					emit_bytes(as, &d, 8);
				} else {
					float f = (float)d;

					emit_bytes(as, &f, 4);
				}
			}
		}
	} else {
		error(as, "unknown directive '%s'", dir);
	}
}

static void assemble_line(struct assembler *as, char *line)
{
	char *p, *word;

	for (p = line; *p; p++) {
		if (*p == '"')
			while (*++p && *p != '"')
				;
		if (*p == ';' || *p == '#') {
			*p = '\0';
			break;
		}
		if (!*p)
			break;
	}
	p = skip_space(line);

	/* Labels. */
	for (;;) {
		char *colon = strchr(p, ':');
		char *q = p;

		if (!colon)
			break;
		while (q < colon && (isalnum((unsigned char)*q) || *q == '_' || *q == '.'))
			q++;
		if (q != colon || q == p)
			break;
		*colon = '\0';
		if (as->pass == 1) {
			uint64_t dummy;

			if (find_label(as, p, &dummy)) {
				error(as, "label '%s' defined twice", p);
			} else if (as->nlabels == MAX_LABELS || strlen(p) >= 64) {
				error(as, "too many labels or label too long");
			} else {
				strcpy(as->labels[as->nlabels].name, p);
				as->labels[as->nlabels++].addr = as->img->size;
			}
		}
		p = skip_space(colon + 1);
	}
	if (!*p)
		return;

	word = p;
	while (*p && !isspace((unsigned char)*p))
		p++;
	if (*p)
		*p++ = '\0';
	for (char *c = word; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	if (word[0] == '.')
		assemble_directive(as, word, p);
	else
		assemble_insn(as, word, p);
}

int lfpu_assemble(const char *source, struct lfpu_image *img, char *err, size_t errlen)
{
	struct assembler *as = calloc(1, sizeof(*as));
	int pass, ret;

	if (!as) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memset(img, 0, sizeof(*img));
	as->img = img;
	as->err = err;
	as->errlen = errlen;

	for (pass = 1; pass <= 2 && !as->failed; pass++) {
		const char *s = source;

		as->pass = pass;
		as->line = 0;
		img->size = 0;
		while (*s && !as->failed) {
			const char *nl = strchr(s, '\n');
			size_t len = nl ? (size_t)(nl - s) : strlen(s);
			char line[MAX_LINE];

			as->line++;
			if (len >= sizeof(line)) {
				error(as, "line too long");
				break;
			}
			memcpy(line, s, len);
			line[len] = '\0';
			assemble_line(as, line);
			s += len + (nl ? 1 : 0);
		}
	}
	ret = as->failed ? -1 : 0;
	if (ret)
		lfpu_image_free(img);
	free(as);
	return ret;
}

void lfpu_image_free(struct lfpu_image *img)
{
	free(img->bytes);
	memset(img, 0, sizeof(*img));
}
