/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private declarations of the VMM layer (vmm/): the /dev/lazyfpu device,
 * VMs, vCPUs, the RUN loop and the guest engine.
 *
 * Lifetimes: every fd holds what it needs.  A VM lives while its VM fd, a
 * vCPU fd or an mmap of either is open (vm->refs); vCPUs belong to their
 * VM and are freed with it.  Each fd also pins the module (fops->owner),
 * so rmmod is refused while any is open.
 *
 * Lock order: vm->lock, then vcpu->mutex.
 */
#ifndef _LAZYFPU_VMM_H
#define _LAZYFPU_VMM_H

#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/types.h>
#include <uapi/linux/lazyfpu.h>
#include <uapi/linux/lazyfpu_isa.h>

#include "../fpu/fpu.h"

/* The most vCPUs a VM can have; max_vcpus_per_vm (limits.c) may lower it. */
#define LFPU_MAX_VCPUS		64
/* Guest instructions between preemption points. */
#define LFPU_RUN_BUDGET		4096

/*
 * FP tracking: the RUN loop's calls into the FP core and the preempt
 * notifiers that feed it.  `make LAZYFPU_NO_FP_TRACKING=1` builds a module
 * without them, for measurement only: make bench times a RUN that uses no
 * FP on both builds, which is what the bookkeeping costs such a RUN
 * (Documentation/performance.rst, P3).  In that build a guest FP
 * instruction faults (LAZYFPU_FAULT_UNSUPPORTED), since nothing would set
 * the host's registers aside for it, and LAZYFPU_CAP_NO_FP_TRACKING says
 * so.
 */
#ifdef LFPU_NO_FP_TRACKING
#define LFPU_FP_TRACKING	false
#else
#define LFPU_FP_TRACKING	true
#endif

struct lfpu_vcpu;

/**
 * struct lfpu_vm - one VM
 * @refs:	VM fd, vCPU fds; the last put frees the VM and its vCPUs
 * @mm:		the creating process's mm: only it may use the fds (-EIO)
 * @id:		unique while loaded, for tracing
 * @max_vcpus:	vCPU ids run from 0 to this - 1 (limits.c, fixed at creation)
 * @max_memory:	the largest guest memory this VM may get (likewise)
 * @lock:	protects everything below
 * @policy:	LAZYFPU_FP_POLICY_* for vCPUs created from now on
 * @vector_bytes: LAZYFPU_SET_VECTOR_LENGTH, for vCPUs created from now on
 * @mem:	guest memory (vmalloc, charged to the creator's memory
 *		cgroup), or NULL until set; set once, so vCPUs (which exist
 *		only after it is final) and page faults of its mappings
 *		(which exist only after it is set) read it without @lock
 * @mem_size:	its size in bytes
 * @vcpus:	by id
 * @nr_vcpus:	how many exist
 */
struct lfpu_vm {
	struct kref refs;
	struct mm_struct *mm;
	u32 id;
	u32 max_vcpus;
	u64 max_memory;
	struct mutex lock;	/* see the kernel-doc above */
	u32 policy;
	u32 vector_bytes;
	void *mem;
	u64 mem_size;
	struct lfpu_vcpu *vcpus[LFPU_MAX_VCPUS];
	u32 nr_vcpus;
};

/* Integer and control state of a vCPU. */
struct lfpu_vcpu_stats {
	u64 instructions;
	u64 exits[LAZYFPU_EXIT_NR];
	u64 hypercalls;
};

/**
 * struct lfpu_vcpu - one vCPU
 * @fp:		FP state and its ownership (fpu/core.c); first, so that the
 *		RUN loop's calls into the FP core take the vCPU's own
 *		address and the loop keeps no second pointer live across
 *		its calls (issue 9's target P3)
 * @vm:		its VM (a vCPU fd holds a VM reference)
 * @id:		0..LFPU_MAX_VCPUS-1
 * @in_run:	a thread is in RUN; a second RUN gets -EBUSY
 * @mutex:	held across RUN and register/FP access; every ioctl waits
 *		for it killably (-EINTR)
 * @run:	the shared struct lazyfpu_run page (one page, charged)
 * @gpr:	integer registers, under @mutex
 * @pc:		under @mutex
 * @pending_in:	register an IN exit will fill on the next RUN, or -1
 * @stats:	written by the running task, read locklessly by GET_STATS
 * @notifier:	preempt notifier, registered on the running task during RUN
 */
struct lfpu_vcpu {
	struct lfpu_vcpu_fp fp;
	struct lfpu_vm *vm;
	u32 id;
	atomic_t in_run;
	struct mutex mutex;	/* see the kernel-doc above */
	struct lazyfpu_run *run;
	u64 gpr[LAZYFPU_NR_GPRS];
	u64 pc;
	int pending_in;
	struct lfpu_vcpu_stats stats;
	struct preempt_notifier notifier;
};

/* dev.c */
int lfpu_dev_init(void);
void lfpu_dev_exit(void);
long lfpu_system_ioctl(unsigned int cmd, unsigned long arg);
long lfpu_check_extension(struct lfpu_vm *vm, unsigned long cap);

/* limits.c */
int lfpu_limit_vm_get(struct mm_struct *mm);
void lfpu_limit_vm_put(struct mm_struct *mm);
void lfpu_limits_for_new_vm(struct lfpu_vm *vm);
u32 lfpu_limit_max_vms(void);
u32 lfpu_limit_max_vcpus(void);
u64 lfpu_limit_max_memory(void);

/* vm.c */
int lfpu_create_vm(unsigned long arg);
void lfpu_vm_mmap_setup(struct vm_area_struct *vma, const struct vm_operations_struct *ops);
void lfpu_vm_put(struct lfpu_vm *vm);
int lfpu_abi_check_guest_memory(const struct lazyfpu_guest_memory *m, u64 max_memory);
int lfpu_abi_check_fp_policy(const struct lazyfpu_fp_policy *p);

/* vcpu.c */
int lfpu_vcpu_create_fd(struct lfpu_vm *vm, unsigned long id);
void lfpu_vcpu_free(struct lfpu_vcpu *vcpu);
int lfpu_abi_check_regs(const struct lazyfpu_regs *regs);
int lfpu_abi_check_fpu(const struct lazyfpu_fpu *fpu, u32 state_size);

/* run.c */
void lfpu_vcpu_run_init(struct lfpu_vcpu *vcpu);
int lfpu_vcpu_run(struct lfpu_vcpu *vcpu);
void lfpu_run_init(void);
void lfpu_run_exit(void);

/* engine.c */
u32 lfpu_engine_run(struct lfpu_vcpu *vcpu, u32 budget);

#endif /* _LAZYFPU_VMM_H */
