/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rule table: one design for every filter, so that the backends differ
 * in where the filter runs, not in how it looks a rule up.
 *
 * An open-addressing table of 2^bits slots (linear probing), at least twice
 * as many slots as rules, keyed by a (u64, u32) pair: (i_ino, s_dev) of the
 * rule's directory in the kernel filters (kmod/, bpf/), (64-bit digest of
 * the rule's path, 1) in user space, which sees paths, not inodes. dev is
 * the kernel's dev_t, struct super_block::s_dev as the filter reads it
 * (MKDEV(): major << 20 | minor), not stat(2)'s st_dev encoding: user space
 * that keys a rule from st_dev stores major(st_dev) << 20 | minor(st_dev),
 * and the module converts its ABI's st_dev with new_decode_dev(). The hash
 * is hash_64()'s multiplicative hash (GOLDEN_RATIO_64) of ino ^ dev << 32.
 * The builder keeps every key within SB_RT_MAX_PROBES slots of its home
 * slot (it grows the table when one is not), so a lookup probes at most
 * that many slots and stops at the first empty one (dev == 0).
 *
 * Shared by the kernel module (copied beside it by the Makefile), the BPF
 * programs and user space: only __u32/__u64 and static inlines here.
 */
#ifndef SB_RULE_TABLE_H
#define SB_RULE_TABLE_H

#ifdef __KERNEL__
#include <linux/types.h>
#elif !defined(__bpf__)
#include <linux/types.h>
#endif

#define SB_RT_GOLDEN_RATIO_64	0x61C8864680B583EBull
#define SB_RT_MAX_PROBES	32
#define SB_RT_MIN_BITS		4
#define SB_RT_MAX_BITS		24

/*
 * The hash and the lookup run once per ancestor: always inlined, or an -Os
 * kernel (the bench config) calls sb_rt_lookup() out of line, with register
 * spills around every call and the table pointer and size reloaded per
 * ancestor, which doubled the module's per-ancestor cost.
 */
#define SB_RT_HOT	inline __attribute__((__always_inline__))

/* dev == 0 marks an empty slot: no filesystem has device number 0. */
struct sb_rt_slot {
	__u64 ino;
	__u32 dev;
	__u32 rule;		/* the rule's index in the rule set */
};

static SB_RT_HOT __u32 sb_rt_hash(__u64 ino, __u32 dev, __u32 bits)
{
	return (__u32)(((ino ^ ((__u64)dev << 32)) * SB_RT_GOLDEN_RATIO_64) >> (64 - bits));
}

/* The smallest table for nr rules: 2^bits >= 2 * nr. */
static inline __u32 sb_rt_bits_for(__u32 nr)
{
	__u32 bits = SB_RT_MIN_BITS;

	while (bits < SB_RT_MAX_BITS && (1ull << bits) < 2ull * nr)
		bits++;
	return bits;
}

#ifndef __bpf__
/*
 * Insert into a zeroed table of 2^bits slots. 0: inserted; 1: the key is
 * there already; -1: no free slot within SB_RT_MAX_PROBES (rebuild with
 * bits + 1).
 */
static inline int sb_rt_insert(struct sb_rt_slot *slots, __u32 bits, __u64 ino,
			       __u32 dev, __u32 rule)
{
	__u32 mask = (1u << bits) - 1, i = sb_rt_hash(ino, dev, bits);

	for (__u32 p = 0; p < SB_RT_MAX_PROBES; p++, i = (i + 1) & mask) {
		struct sb_rt_slot *s = &slots[i];

		if (!s->dev) {
			s->ino = ino;
			s->dev = dev;
			s->rule = rule;
			return 0;
		}
		if (s->ino == ino && s->dev == dev)
			return 1;
	}
	return -1;
}

/* The slot holding (ino, dev), or NULL. */
static SB_RT_HOT const struct sb_rt_slot *sb_rt_lookup(const struct sb_rt_slot *slots,
						      __u32 bits, __u64 ino, __u32 dev)
{
	__u32 mask = (1u << bits) - 1, i = sb_rt_hash(ino, dev, bits);

	for (__u32 p = 0; p < SB_RT_MAX_PROBES; p++, i = (i + 1) & mask) {
		const struct sb_rt_slot *s = &slots[i];

		if (!s->dev)
			return (void *)0;
		if (s->ino == ino && s->dev == dev)
			return s;
	}
	return (void *)0;
}
#endif /* !__bpf__ */

#endif
