/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface between lazyfpu's generic code and its architecture
 * layers (arch/<arch>/).  Generic code (vmm/, fpu/) reaches architecture
 * specifics only through what is declared here; it never tests CONFIG_X86
 * or CONFIG_ARM64 itself.
 *
 * An architecture provides:
 *  - lfpu_arch_probe_fpu(): the host FP/SIMD state shape, once at load
 *    (lfpu_arch_release_fpu() at unload);
 *  - one or more FP backends (struct lfpu_fp_backend), which move a vCPU's
 *    FP state between memory and the registers, and
 *    lfpu_arch_select_backend() to pick one for a new vCPU;
 *  - lfpu_arch_exec_fp(): the guest FP instruction stubs, which run the
 *    real instruction on the real registers.
 */
#ifndef _LAZYFPU_ARCH_H
#define _LAZYFPU_ARCH_H

#include <linux/types.h>
#include <uapi/linux/lazyfpu_isa.h>

struct lfpu_vcpu_fp;

/**
 * struct lfpu_host_fpu - the host's FP/SIMD state shape, fixed at load
 * @name:		short human-readable name of the state format, for logs
 * @vector_bytes:	widest guest vector the stubs can execute (16 or 32)
 * @features:		architecture-defined feature bits (x86: the guest's
 *			XSAVE features; arm64: bit 0 set when SVE exists)
 * @sve_vq_map:		arm64: bit (vq - 1) set for each SVE vector length
 *			every CPU supports; 0 elsewhere
 */
struct lfpu_host_fpu {
	const char *name;
	u32 vector_bytes;
	u64 features;
	u32 sve_vq_map;
};

/**
 * lfpu_arch_probe_fpu() - discover the host FP/SIMD state shape
 * @host: filled in on success
 *
 * Context: process context, module init.  Returns 0, or -ENODEV when the
 * CPU lacks what the architecture layer needs (for example XSAVE on x86).
 * Once it succeeded, lfpu_arch_release_fpu() must be called before the
 * module goes away.
 */
int lfpu_arch_probe_fpu(struct lfpu_host_fpu *host);

/**
 * lfpu_arch_release_fpu() - undo what lfpu_arch_probe_fpu() set up
 *
 * Context: process context, module exit.
 */
void lfpu_arch_release_fpu(void);

/**
 * struct lfpu_fp_backend - how an architecture moves guest FP state
 *
 * The generic core (fpu/core.c) decides *when* state moves; a backend
 * only knows *how*.  Every callback runs in the vCPU's own task.
 *
 * @name:	for logs and tracing
 * @id:		LAZYFPU_BACKEND_*, reported through GET_STATS
 * @release_before_resched: the backend's register window cannot survive
 *		a reschedule (a kernel_fpu_begin() or 6.1 kernel_neon_begin()
 *		section), so the core must release the state first
 * @usable_in_kthread: the backend works from a kernel thread (KUnit
 *		cases run in one)
 * @follows_task: the kernel saves and restores the claimed registers with
 *		the task on every context switch, so they are live wherever
 *		the task runs; the per-CPU record need not agree
 *		(->regs_hold_guest() alone decides)
 * @init:	allocate and initialise the state (architectural init
 *		values).  Process context, may sleep.
 * @destroy:	free it.  Never called while claimed.
 * @claim:	set the host task's user FP state aside (the kernel saves it
 *		and restores it on return to userspace) and load the guest
 *		state into this CPU's registers.  Preemptible context.
 *		Returns the bytes loaded.
 * @regs_hold_guest: whether the registers still provably hold the guest
 *		state that @claim or @reload put there.  Called with the
 *		window about to open; must not touch the registers.
 * @reload:	load the guest state again after the kernel took the
 *		registers away (preemption, a softirq FPU user) while claimed.
 *		Returns the bytes loaded, 0 if the kernel found them valid.
 * @window_open: called before each guest FP instruction, after the core
 *		made the state live; the registers must stay the guest's
 *		until @window_close.  May disable BH or preemption.
 * @window_close: ends the window.
 * @release:	give the registers back.  When @save is true, the guest
 *		state is written back to memory first; when false, the caller
 *		guarantees memory already equals the registers.  Returns the
 *		bytes saved.  Preemptible context.
 * @get_state:	copy the state, in the uabi layout, to @buf
 *		(fp->state_size bytes).  Not claimed, vCPU mutex held.
 * @set_state:	validate @buf and replace the state, or return -EINVAL and
 *		change nothing.  @buf is the caller's scratch copy: the
 *		backend may rewrite it.  Not claimed, vCPU mutex held.
 */
struct lfpu_fp_backend {
	const char *name;
	u32 id;
	bool release_before_resched;
	bool usable_in_kthread;
	bool follows_task;
	int (*init)(struct lfpu_vcpu_fp *fp);
	void (*destroy)(struct lfpu_vcpu_fp *fp);
	u32 (*claim)(struct lfpu_vcpu_fp *fp);
	bool (*regs_hold_guest)(struct lfpu_vcpu_fp *fp);
	u32 (*reload)(struct lfpu_vcpu_fp *fp);
	void (*window_open)(struct lfpu_vcpu_fp *fp);
	void (*window_close)(struct lfpu_vcpu_fp *fp);
	u32 (*release)(struct lfpu_vcpu_fp *fp, bool save);
	int (*get_state)(struct lfpu_vcpu_fp *fp, void *buf);
	int (*set_state)(struct lfpu_vcpu_fp *fp, void *buf);
};

/**
 * lfpu_arch_backend_usable() - can @backend serve vCPUs on this host?
 * @backend: one of lfpu_arch_backends[]
 *
 * lfpu_arch_backends[] lists what the module was built with; this says
 * what the host and the kernel then allow (for example SVE hardware).
 * Context: any, after lfpu_arch_probe_fpu().
 */
bool lfpu_arch_backend_usable(const struct lfpu_fp_backend *backend);

/**
 * lfpu_arch_select_backend() - the backend a new vCPU will use
 * @vector_bytes: the VM's vector length setting (0: the default state)
 *
 * Context: process context.  May consult module parameters, so the choice
 * is made per vCPU at creation and never changes afterwards.
 */
const struct lfpu_fp_backend *lfpu_arch_select_backend(u32 vector_bytes);

/**
 * lfpu_arch_check_vector_length() - may a VM's vCPUs use this length?
 * @bytes: LAZYFPU_SET_VECTOR_LENGTH's argument; 0 is always valid
 *
 * Context: any.  Return: 0 or -EINVAL.
 */
int lfpu_arch_check_vector_length(u32 bytes);

/**
 * lfpu_arch_state_size() - bytes in a vCPU's state image (the uabi layout)
 * @vector_bytes: the VM's vector length setting (0: the default state)
 *
 * Context: any.
 */
u32 lfpu_arch_state_size(u32 vector_bytes);

/**
 * lfpu_arch_backends - every backend the architecture has, NULL-terminated
 *
 * For KUnit, which picks those usable from a kernel thread.
 */
extern const struct lfpu_fp_backend *const lfpu_arch_backends[];

/**
 * lfpu_arch_image_vreg() - where guest vector register @reg's low 128
 * bits live in a state image (the uabi layout), and mark them present
 * @image: a state image of a vCPU with the default vector length
 *	   (lfpu_arch_state_size(0) bytes)
 * @reg: 0..LFPU_NR_VREGS-1
 *
 * x86: the XMM slot of the XSAVE legacy area (XSTATE_BV.SSE is set, so
 * XRSTOR loads it); arm64: the V register of struct user_fpsimd_state.
 * Context: any.
 */
void *lfpu_arch_image_vreg(void *image, unsigned int reg);

/**
 * struct lfpu_fp_insn - one decoded guest FP instruction for the stubs
 * @op:		LFPU_OP_* (an FP opcode)
 * @va:		destination vector register
 * @vb:		source vector register
 * @width:	LFPU_WIDTH_*
 * @imm:	immediate (SETRM's rounding mode)
 * @mem:	kernel address of the memory operand (VLD/VST), already
 *		bounds-checked against guest memory
 * @gpr_in:	integer source (CVTIF)
 * @gpr_out:	integer result (VRED, GETCSR, CVTFI)
 * @vl_bytes:	the vCPU's vector length setting, for LFPU_WIDTH_VL
 * @stage:	room for two vectors of up to 256 bits that a stub may use
 *		while it runs: the source of a two-register operation (SSE
 *		and AVX take it from memory, NEON through V31) and V31's own
 *		value while it is lent (arm64)
 *
 * The engine keeps one of these for a whole run of FP instructions and
 * sets, per instruction, the fields that instruction uses: @mem and
 * @gpr_in keep an earlier instruction's values for an operation that does
 * not use them.  @stage is here, not on the stub's stack, so that a stub
 * has no local array: no stack realignment, stack-protector check or
 * zero-fill (INIT_STACK_ALL_ZERO) per guest instruction (issue 9, P4).
 */
struct lfpu_fp_insn {
	u8 op;
	u8 va;
	u8 vb;
	u8 width;
	s32 imm;
	u32 vl_bytes;
	void *mem;
	u64 gpr_in;
	u64 gpr_out;
	u64 stage[2][4] __aligned(32);
};

/*
 * LFPU_FOR_EACH_VREG(X, ...) - X(n, ...) for every guest vector register.
 *
 * Instructions name their registers statically, so the architecture stubs
 * build one switch case per register with this.
 */
#define LFPU_FOR_EACH_VREG(X, ...)					\
	X(0, __VA_ARGS__) X(1, __VA_ARGS__) X(2, __VA_ARGS__)		\
	X(3, __VA_ARGS__) X(4, __VA_ARGS__) X(5, __VA_ARGS__)		\
	X(6, __VA_ARGS__) X(7, __VA_ARGS__) X(8, __VA_ARGS__)		\
	X(9, __VA_ARGS__) X(10, __VA_ARGS__) X(11, __VA_ARGS__)		\
	X(12, __VA_ARGS__) X(13, __VA_ARGS__) X(14, __VA_ARGS__)	\
	X(15, __VA_ARGS__)

/*
 * LFPU_FOR_EACH_BINOP(X, ...) - X(OP, name, ...) for every two-register
 * operation "va = va op vb": OP is its LFPU_OP_ name without the prefix,
 * name the suffix of the architectures' stub for it (lfpu_xmm_vaddpd(),
 * lfpu_v_vaddpd(), ...): the operation in lower case, but "load" for
 * VMOV, which loads the source the stubs have spilled to memory, as VLD
 * loads its operand.
 */
#define LFPU_FOR_EACH_BINOP(X, ...)					\
	X(VMOV, load, __VA_ARGS__) X(VADDPS, vaddps, __VA_ARGS__)	\
	X(VMULPS, vmulps, __VA_ARGS__) X(VADDPD, vaddpd, __VA_ARGS__)	\
	X(VMULPD, vmulpd, __VA_ARGS__) X(VSUBPD, vsubpd, __VA_ARGS__)	\
	X(VXOR, vxor, __VA_ARGS__) X(VADDQ, vaddq, __VA_ARGS__)

#define LFPU_CASE_IS_BINOP(op, name, unused)				\
	case LFPU_OP_##op:

/**
 * lfpu_fp_op_is_binop() - is @op a two-register "va = va op vb" operation?
 * @op: an FP opcode
 */
static inline bool lfpu_fp_op_is_binop(u8 op)
{
	switch (op) {
	LFPU_FOR_EACH_BINOP(LFPU_CASE_IS_BINOP, 0)
		return true;
	default:
		return false;
	}
}

/**
 * lfpu_arch_exec_fp() - execute one guest FP instruction on the registers
 * @insn: the instruction; @insn->gpr_out is written for instructions with
 *	  an integer result
 *
 * Context: inside the window the core opened for the vCPU (see
 * lfpu_fp_insn_begin()); the registers hold the guest's state.  Returns 0,
 * or -EOPNOTSUPP for an instruction this host cannot run (for example a
 * 256-bit operation without AVX2), in which case nothing was changed.
 */
int lfpu_arch_exec_fp(struct lfpu_fp_insn *insn);

#endif /* _LAZYFPU_ARCH_H */
