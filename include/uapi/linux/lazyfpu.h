/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * lazyfpu: the userspace ABI of /dev/lazyfpu.
 *
 * The ABI is shaped like KVM's.  Three kinds of file descriptor:
 *
 *   system fd   open("/dev/lazyfpu"): discovery, and CREATE_VM;
 *   VM fd       from LAZYFPU_CREATE_VM: guest memory, FP policy, vCPUs;
 *   vCPU fd     from LAZYFPU_CREATE_VCPU: RUN, registers, FP state, stats,
 *               and an mmap'able struct lazyfpu_run.
 *
 * Every ioctl is documented in Documentation/api.rst.  Rules that keep the
 * ABI extensible:
 *  - ioctl numbers and LAZYFPU_CAP_* numbers are append-only;
 *  - a new feature is announced through LAZYFPU_CHECK_EXTENSION, never by
 *    bumping LAZYFPU_API_VERSION;
 *  - every struct has a flags word and explicit padding; unknown flags and
 *    non-zero padding are rejected with -EINVAL, so that they can be given
 *    a meaning later;
 *  - an integer argument an ioctl does not use must be zero (-EINVAL).
 *
 * Only fixed-width types are used; pointers travel as __u64.
 */
#ifndef _UAPI_LINUX_LAZYFPU_H
#define _UAPI_LINUX_LAZYFPU_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Returned by LAZYFPU_GET_API_VERSION; changes only on an ABI break. */
#define LAZYFPU_API_VERSION	1

/* ioctl type byte, registered as free in ioctl-number.rst at 6.12. */
#define LAZYFPUIO		0xB9

/* System ioctls, on the fd of /dev/lazyfpu. */
#define LAZYFPU_GET_API_VERSION		_IO(LAZYFPUIO, 0x00)
#define LAZYFPU_CHECK_EXTENSION		_IO(LAZYFPUIO, 0x01)
#define LAZYFPU_CREATE_VM		_IO(LAZYFPUIO, 0x02)
#define LAZYFPU_GET_VCPU_MMAP_SIZE	_IO(LAZYFPUIO, 0x03)

/*
 * Capabilities, for LAZYFPU_CHECK_EXTENSION.  An absent capability (and
 * any number the module does not know) reads as 0.
 *
 * LAZYFPU_CAP_FPU_STATE_SIZE: size in bytes of a vCPU's complete FP/SIMD
 *	state image, the buffer size LAZYFPU_GET_FPU and LAZYFPU_SET_FPU
 *	take.  x86-64: the standard-format XSAVE image of the features the
 *	guest may use, at least 4096 bytes (as KVM_CAP_XSAVE2).  arm64: the
 *	size of struct user_fpsimd_state.
 * LAZYFPU_CAP_FP_POLICIES: bit mask of the supported LAZYFPU_FP_POLICY_*
 *	values (1 << policy).
 * LAZYFPU_CAP_MAX_VCPUS: the number of vCPUs a VM may have; vCPU ids run
 *	from 0 to this value minus one.  On the system fd: for VMs created
 *	now; on a VM fd: that VM's, fixed when it was created.
 * LAZYFPU_CAP_MAX_MEMORY: the largest guest memory size, in bytes (system
 *	fd and VM fd as for LAZYFPU_CAP_MAX_VCPUS).
 * LAZYFPU_CAP_VECTOR_BYTES: the widest guest vector the guest ISA can use
 *	on this host, in bytes (16 for XMM, 32 where AVX2 allows YMM), for a
 *	VM without a vector length set.
 * LAZYFPU_CAP_ARM64_SVE_VQS: arm64 with SVE: bit (vq - 1) is set for each
 *	SVE vector length vq * 16 bytes that every CPU supports; 0 elsewhere.
 * LAZYFPU_CAP_MAX_VMS: the number of VMs one process may have alive at
 *	once; LAZYFPU_CREATE_VM beyond it fails with -ENOSPC.
 * LAZYFPU_CAP_BACKENDS: bit (1 << LAZYFPU_BACKEND_*) set for each FP
 *	backend that can serve vCPUs on this host and kernel.  x86-64:
 *	FPSTATE_SWAP where the kernel lets modules use its guest-fpstate
 *	API, XSAVE always; arm64: NEON always, SVE where
 *	LAZYFPU_CAP_ARM64_SVE_VQS is not 0.
 * LAZYFPU_CAP_NO_FP_TRACKING: 1 in a measurement-only build of the module
 *	with FP tracking compiled out (LAZYFPU_NO_FP_TRACKING=1), where guest
 *	FP instructions fault with LAZYFPU_FAULT_UNSUPPORTED; 0 in every
 *	build meant for use.
 *
 * LAZYFPU_CHECK_EXTENSION also works on a VM fd, where
 * LAZYFPU_CAP_FPU_STATE_SIZE and LAZYFPU_CAP_VECTOR_BYTES describe the
 * vCPUs of that VM (they depend on LAZYFPU_SET_VECTOR_LENGTH).
 */
#define LAZYFPU_CAP_FPU_STATE_SIZE	1
#define LAZYFPU_CAP_FP_POLICIES		2
#define LAZYFPU_CAP_MAX_VCPUS		3
#define LAZYFPU_CAP_MAX_MEMORY		4
#define LAZYFPU_CAP_VECTOR_BYTES	5
#define LAZYFPU_CAP_ARM64_SVE_VQS	6
#define LAZYFPU_CAP_MAX_VMS		7
#define LAZYFPU_CAP_BACKENDS		8
#define LAZYFPU_CAP_NO_FP_TRACKING	9

/* VM ioctls. */
#define LAZYFPU_SET_GUEST_MEMORY	_IOW(LAZYFPUIO, 0x10, struct lazyfpu_guest_memory)
#define LAZYFPU_SET_FP_POLICY		_IOW(LAZYFPUIO, 0x11, struct lazyfpu_fp_policy)
#define LAZYFPU_CREATE_VCPU		_IO(LAZYFPUIO, 0x12)
#define LAZYFPU_SET_VECTOR_LENGTH	_IOW(LAZYFPUIO, 0x13, struct lazyfpu_vector_length)

/*
 * struct lazyfpu_guest_memory - give the VM its memory
 * @size:	bytes, a non-zero multiple of the page size, at most
 *		LAZYFPU_CAP_MAX_MEMORY
 * @flags:	must be 0
 * @pad:	must be 0
 *
 * The memory is owned by the VM, zero-filled, and mapped by mmap() of the
 * VM fd at offset 0.  Guest address 0 is its first byte.  It can be set
 * once, before the first vCPU is created.
 */
struct lazyfpu_guest_memory {
	__u64 size;
	__u32 flags;
	__u32 pad;
};

/*
 * FP policies: when a vCPU's FP/SIMD state is moved into and out of the
 * registers.  Documentation/design.rst gives the sequence of each.
 *
 * LAZY:	load at the guest's first FP instruction; keep it loaded
 *		across in-kernel exits and preemption points while it is
 *		provably live; save only when the registers are needed for
 *		something else and only if the guest changed it.
 * PER_RUN:	load at RUN entry, save at RUN exit (KVM x86 style).
 * EAGER:	load before and save after every guest entry, in-kernel
 *		exits included (bhyve style).
 */
#define LAZYFPU_FP_POLICY_LAZY		0
#define LAZYFPU_FP_POLICY_PER_RUN	1
#define LAZYFPU_FP_POLICY_EAGER		2

/*
 * struct lazyfpu_fp_policy - choose the VM's FP policy
 * @policy:	a LAZYFPU_FP_POLICY_* value
 * @flags:	must be 0
 *
 * Allowed only before the first vCPU is created (-EBUSY after).
 */
struct lazyfpu_fp_policy {
	__u32 policy;
	__u32 flags;
};

/*
 * struct lazyfpu_vector_length - the VM's vCPUs use SVE at this length
 * @bytes:	0 (the default): FPSIMD only; else an SVE vector length in
 *		bytes whose bit is set in LAZYFPU_CAP_ARM64_SVE_VQS
 * @flags:	must be 0
 *
 * arm64 only (-EINVAL elsewhere for a non-zero length).  Allowed only
 * before the first vCPU is created (-EBUSY after).
 */
struct lazyfpu_vector_length {
	__u32 bytes;
	__u32 flags;
};

/* vCPU ioctls. */
#define LAZYFPU_RUN		_IO(LAZYFPUIO, 0x20)
#define LAZYFPU_GET_REGS	_IOR(LAZYFPUIO, 0x21, struct lazyfpu_regs)
#define LAZYFPU_SET_REGS	_IOW(LAZYFPUIO, 0x22, struct lazyfpu_regs)
#define LAZYFPU_GET_FPU		_IOW(LAZYFPUIO, 0x23, struct lazyfpu_fpu)
#define LAZYFPU_SET_FPU		_IOW(LAZYFPUIO, 0x24, struct lazyfpu_fpu)
#define LAZYFPU_GET_STATS	_IOR(LAZYFPUIO, 0x25, struct lazyfpu_vcpu_stats)

#define LAZYFPU_NR_GPRS		16

/*
 * struct lazyfpu_regs - the integer registers of a vCPU
 * @gpr:	r0..r15
 * @pc:		guest address of the next instruction, 8-byte aligned
 * @flags:	must be 0
 * @pad:	must be 0
 */
struct lazyfpu_regs {
	__u64 gpr[LAZYFPU_NR_GPRS];
	__u64 pc;
	__u32 flags;
	__u32 pad;
};

/*
 * struct lazyfpu_fpu - a vCPU's complete FP/SIMD state, by reference
 * @addr:	user address of the buffer
 * @size:	the buffer's size; must equal LAZYFPU_CAP_FPU_STATE_SIZE as
 *		the VM fd reports it
 * @flags:	must be 0
 *
 * x86-64: the buffer is a standard-format XSAVE image, laid out as
 * KVM_GET_XSAVE2's.  SET validates it before anything reaches the
 * registers: XSTATE_BV within the guest's features, XCOMP_BV and the
 * reserved header bytes zero, no reserved MXCSR bit set.  PKRU and AMX
 * tile data are never part of the guest state.
 *
 * arm64: struct user_fpsimd_state for an FPSIMD vCPU.  For an SVE vCPU at
 * vector length VL: Z0-Z31 (VL bytes each), P0-P15 and FFR (VL / 8 bytes
 * each), padding to a multiple of 16, then __u32 fpsr, __u32 fpcr and 8
 * reserved bytes (zero).
 */
struct lazyfpu_fpu {
	__u64 addr;
	__u32 size;
	__u32 flags;
};

/* Exit reasons, in struct lazyfpu_run and as indices of exits[] below. */
#define LAZYFPU_EXIT_NONE	0	/* RUN has not returned yet */
#define LAZYFPU_EXIT_IO		1	/* to userspace: OUT or IN */
#define LAZYFPU_EXIT_HLT	2	/* to userspace: HLT */
#define LAZYFPU_EXIT_FAULT	3	/* to userspace: guest fault */
#define LAZYFPU_EXIT_HYPERCALL	4	/* in kernel: HCALL */
#define LAZYFPU_EXIT_YIELD	5	/* in kernel: YIELD */
#define LAZYFPU_EXIT_PREEMPT	6	/* in kernel: budget or need_resched */
#define LAZYFPU_EXIT_INTR	7	/* RUN returned -EINTR for a signal */
#define LAZYFPU_EXIT_NR		8

#define LAZYFPU_IO_OUT		0
#define LAZYFPU_IO_IN		1

/* Guest faults, in run->fault.code. */
#define LAZYFPU_FAULT_BAD_OPCODE	1	/* unknown opcode or bad operand */
#define LAZYFPU_FAULT_MEMORY		2	/* load, store or fetch out of range */
#define LAZYFPU_FAULT_BAD_JUMP		3	/* jump target out of range or unaligned */
#define LAZYFPU_FAULT_NO_MEMORY		4	/* RUN before SET_GUEST_MEMORY */
#define LAZYFPU_FAULT_UNSUPPORTED	5	/* FP instruction this host cannot run */

/*
 * struct lazyfpu_run - shared between the kernel and the VMM
 *
 * mmap() of the vCPU fd at offset 0, LAZYFPU_GET_VCPU_MMAP_SIZE bytes.
 * The kernel fills the exit fields when RUN returns.
 *
 * @exit_reason:	LAZYFPU_EXIT_*
 * @flags:		reserved, 0
 * @io:			LAZYFPU_EXIT_IO.  For OUT, @data holds the value
 *			written; for IN, the VMM stores the value to read in
 *			@data before the next RUN, which completes the IN.
 * @fault:		LAZYFPU_EXIT_FAULT: @code (LAZYFPU_FAULT_*), the @pc
 *			of the faulting instruction, its encoding @insn and
 *			the guest address @addr involved, if any.
 */
struct lazyfpu_run {
	__u32 exit_reason;
	__u32 flags;
	__u64 reserved[3];
	union {
		struct {
			__u8 direction;
			__u8 size;
			__u16 port;
			__u32 pad;
			__u64 data;
		} io;
		struct {
			__u32 code;
			__u32 pad;
			__u64 pc;
			__u64 insn;
			__u64 addr;
		} fault;
		__u8 padding[256];
	};
};

/*
 * struct lazyfpu_vcpu_stats - what a vCPU's FP state has cost
 * @flags:		reserved, 0
 * @backend:		the FP backend this vCPU uses (LAZYFPU_BACKEND_*)
 * @fp_loads:		guest FP state loaded into the registers
 * @fp_saves:		guest FP state saved from the registers
 * @fp_bytes_loaded:	bytes moved by those loads
 * @fp_bytes_saved:	bytes moved by those saves
 * @reloads_skipped:	loads skipped because the state was provably live
 * @saves_avoided:	saves skipped because the guest had not changed it
 * @first_use_claims:	RUNs in which the guest's first FP instruction
 *			claimed the registers
 * @fp_instructions:	guest FP instructions executed
 * @instructions:	guest instructions executed
 * @sched_outs:		times the vCPU's task was scheduled out during RUN,
 *			from the RUN's first FP claim on
 * @yield_releases:	times a RUN gave the registers up between guest
 *			entries so that a waiting task or pending softirqs
 *			could run (backends that block both while claimed)
 * @exits:		exits, indexed by LAZYFPU_EXIT_*
 * @reserved:		0
 */
#define LAZYFPU_BACKEND_X86_FPSTATE_SWAP	1
#define LAZYFPU_BACKEND_X86_XSAVE		2
#define LAZYFPU_BACKEND_ARM64_NEON		3
#define LAZYFPU_BACKEND_ARM64_SVE		4

struct lazyfpu_vcpu_stats {
	__u32 flags;
	__u32 backend;
	__u64 fp_loads;
	__u64 fp_saves;
	__u64 fp_bytes_loaded;
	__u64 fp_bytes_saved;
	__u64 reloads_skipped;
	__u64 saves_avoided;
	__u64 first_use_claims;
	__u64 fp_instructions;
	__u64 instructions;
	__u64 sched_outs;
	__u64 exits[LAZYFPU_EXIT_NR];
	__u64 yield_releases;
	__u64 reserved[6];
};

#endif /* _UAPI_LINUX_LAZYFPU_H */
