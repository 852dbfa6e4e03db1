// SPDX-License-Identifier: GPL-2.0
/*
 * Events: a bounded queue that any context may post to (the rebind watch
 * posts from a kprobe), drained in order by a work item that sends each
 * event to the netlink multicast group.
 */
#include <linux/ktime.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "event.h"
#include "netlink.h"

#define PG_EVENT_QUEUE	128

/*
 * pg_event_lock protects the ring (pg_event_ring, _head, _count) and
 * pg_event_lost. It is taken with interrupts off because the kprobe may
 * fire in any context, and nothing is called with it held.
 */
static DEFINE_SPINLOCK(pg_event_lock);
static struct pg_event pg_event_ring[PG_EVENT_QUEUE];
static unsigned int pg_event_head, pg_event_count;
static u32 pg_event_lost;

static void pg_event_work_fn(struct work_struct *work);
static DECLARE_WORK(pg_event_work, pg_event_work_fn);

/* Caller holds pg_event_lock and has checked there is room. */
static void pg_event_push(const struct pg_event *ev)
{
	pg_event_ring[(pg_event_head + pg_event_count) % PG_EVENT_QUEUE] = *ev;
	pg_event_count++;
}

/* Caller holds pg_event_lock: a LOST event for what was dropped so far. */
static void pg_event_lost_event(struct pg_event *ev, u64 timestamp)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = PCIGUARD_EVENT_LOST;
	ev->timestamp = timestamp;
	ev->lost = pg_event_lost;
	pg_event_lost = 0;
}

/*
 * Take the oldest event. Dropped events are newer than every queued one,
 * so their LOST event comes once the queue has drained.
 */
static bool pg_event_pop(struct pg_event *ev)
{
	unsigned long flags;
	bool got = true;

	spin_lock_irqsave(&pg_event_lock, flags);
	if (pg_event_count) {
		*ev = pg_event_ring[pg_event_head];
		pg_event_head = (pg_event_head + 1) % PG_EVENT_QUEUE;
		pg_event_count--;
	} else if (pg_event_lost) {
		pg_event_lost_event(ev, ktime_get_real_ns());
	} else {
		got = false;
	}
	spin_unlock_irqrestore(&pg_event_lock, flags);
	return got;
}

static void pg_event_work_fn(struct work_struct *work)
{
	struct pg_event ev;

	while (pg_event_pop(&ev))
		pg_netlink_send_event(&ev);
}

/**
 * pg_event_post() - queue an event for the multicast group
 * @ev: the event; its timestamp is set here
 *
 * Any context. When the queue is full the event is dropped and counted;
 * the next event sent is a PCIGUARD_EVENT_LOST with the count.
 */
void pg_event_post(struct pg_event *ev)
{
	unsigned long flags;

	ev->timestamp = ktime_get_real_ns();
	spin_lock_irqsave(&pg_event_lock, flags);
	if (pg_event_lost) {
		/* Keep order: the LOST event goes before this one, or not yet. */
		if (pg_event_count + 2 > PG_EVENT_QUEUE) {
			pg_event_lost++;
		} else {
			struct pg_event lost;

			pg_event_lost_event(&lost, ev->timestamp);
			pg_event_push(&lost);
			pg_event_push(ev);
		}
	} else if (pg_event_count == PG_EVENT_QUEUE) {
		pg_event_lost++;
	} else {
		pg_event_push(ev);
	}
	spin_unlock_irqrestore(&pg_event_lock, flags);
	schedule_work(&pg_event_work);
}

/**
 * pg_event_exit() - send what is queued and stop
 *
 * Called after every source of events is gone and before the netlink
 * family is unregistered.
 */
void pg_event_exit(void)
{
	flush_work(&pg_event_work);
}
