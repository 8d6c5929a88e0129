//! A campaign driven the way the worker drives it, against a model of the page, with the worker
//! killed at every point where it can die: between enqueueing and saving the outbox, between
//! saving the outbox and saving the campaign, and while a message is being typed. Whatever
//! happens, no recipient's message is typed twice, and in the end every recipient is final (sent,
//! or skipped because the buyer wrote) and none is lost or left pending.

use std::collections::HashMap;

use nobi_protocol::campaign::{
    message_id, Campaign, CampaignState, Goal, QuietHours, Recipient, RecipientState, RunSettings,
    SkipReason,
};
use nobi_protocol::outbox::{Outbox, Pacing, PageCheck, Settings};
use nobi_protocol::{FailReason, Platform, SendOutcome, ThreadRef};
use proptest::prelude::*;

const START: u64 = 1_796_612_400_000;

#[derive(Debug, Clone)]
enum Op {
    /// One pump; `die` says where the worker dies during it, if it does.
    Pump {
        die: Option<Death>,
    },
    /// The outbox types its next ready message; `die_typing`: the worker dies after the page got
    /// it and before the outbox heard.
    Type {
        die_typing: bool,
    },
    /// The buyer of recipient `n` writes.
    Reply {
        n: usize,
    },
    /// The worker restarts for another reason.
    Restart,
    /// The platform blocks the account of the next message (reported before the send action, so
    /// nothing is typed); the outbox pauses the account, the campaign pauses.
    Block,
    /// The agent resumes every paused account and the campaign.
    ResumeAll,
    Tick {
        ms: u64,
    },
}

#[derive(Debug, Clone, Copy)]
enum Death {
    /// After enqueueing in memory, before the outbox is saved.
    BeforeOutboxSaved,
    /// After the outbox is saved, before the campaign is.
    AfterOutboxSaved,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => proptest::option::weighted(
            0.3,
            prop_oneof![Just(Death::BeforeOutboxSaved), Just(Death::AfterOutboxSaved)]
        )
        .prop_map(|die| Op::Pump { die }),
        4 => proptest::bool::weighted(0.15).prop_map(|die_typing| Op::Type { die_typing }),
        1 => (0usize..12).prop_map(|n| Op::Reply { n }),
        1 => Just(Op::Restart),
        1 => Just(Op::Block),
        1 => Just(Op::ResumeAll),
        1 => (1u64..120_000).prop_map(|ms| Op::Tick { ms }),
    ]
}

/// The worker, its storage and the page.
struct World {
    outbox: Outbox,
    campaign: Campaign,
    saved_outbox: Outbox,
    saved_campaign: Campaign,
    /// Texts typed into each thread, in order.
    page: HashMap<String, Vec<String>>,
    now: u64,
    random: u64,
}

impl World {
    fn new(recipients: usize, accounts: usize) -> World {
        let outbox = Outbox::new(Settings {
            pacing: Pacing::disabled(),
            ..Settings::default()
        });
        let settings = RunSettings {
            quiet: QuietHours {
                from_minute: 0,
                to_minute: 0,
                utc_offset_minutes: 420,
            },
            per_hour: None,
            per_day: None,
            ..RunSettings::default()
        };
        let mut campaign = Campaign::draft("k1", "Tri ân", Goal::Care, settings, START);
        let rs = (0..recipients)
            .map(|n| Recipient {
                customer_id: format!("c{n}"),
                name: format!("Khách {n}"),
                to: ThreadRef {
                    platform: Platform::Instagram,
                    thread_id: format!("t{n}"),
                },
                account: Some(format!("shop{}", n % accounts)),
                text: format!("Chào khách {n}, shop có quà"),
                attachments: Vec::new(),
                state: RecipientState::Pending,
                cancel_reason: None,
            })
            .collect();
        campaign.start(rs, None, START).unwrap();
        World {
            saved_outbox: outbox.clone(),
            saved_campaign: campaign.clone(),
            outbox,
            campaign,
            page: HashMap::new(),
            now: START,
            random: 7,
        }
    }

    fn rand(&mut self) -> u64 {
        self.random = self
            .random
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1);
        self.random >> 11
    }

    /// The worker dies: memory is what storage holds; the outbox's restart rules run, and the
    /// messages it must check are looked up on the page.
    fn restart(&mut self) {
        self.outbox = self.saved_outbox.clone();
        self.campaign = self.saved_campaign.clone();
        self.outbox.restarted();
        let checks: Vec<(String, String, String)> = self
            .outbox
            .needs_check()
            .map(|i| (i.id.clone(), i.to.thread_id.clone(), i.text.clone()))
            .collect();
        for (id, thread, text) in checks {
            let on_page = self.page.get(&thread).is_some_and(|t| t.contains(&text));
            let found = if on_page {
                PageCheck::Sent
            } else {
                PageCheck::Absent
            };
            self.outbox.checked(&id, found, self.now).unwrap();
        }
        self.saved_outbox = self.outbox.clone();
    }

    fn pump(&mut self, die: Option<Death>) {
        let now = self.now;
        self.campaign.due(now);
        self.campaign.reconcile(&self.outbox, now);
        self.campaign.observe(&self.outbox, now);
        let items: Vec<_> = self
            .campaign
            .next_to_hand(&self.outbox, now)
            .into_iter()
            .map(|r| (r.customer_id.clone(), r.new_item(&self.campaign.id)))
            .collect();
        for (_, item) in &items {
            self.outbox.enqueue(item.clone(), now).unwrap();
        }
        if matches!(die, Some(Death::BeforeOutboxSaved)) {
            return self.restart();
        }
        self.saved_outbox = self.outbox.clone();
        if matches!(die, Some(Death::AfterOutboxSaved)) {
            return self.restart();
        }
        let ids: Vec<String> = items.into_iter().map(|(c, _)| c).collect();
        self.campaign.handed(&ids, now);
        self.saved_campaign = self.campaign.clone();
    }

    fn type_next(&mut self, die_typing: bool) {
        let now = self.now;
        let Some(item) = self.outbox.next_ready(now).cloned() else {
            return;
        };
        let random = self.rand();
        self.outbox.start(&item.id, now, random).unwrap();
        self.saved_outbox = self.outbox.clone();
        self.page
            .entry(item.to.thread_id.clone())
            .or_default()
            .push(item.text.clone());
        if die_typing {
            return self.restart();
        }
        let random = self.rand();
        self.outbox
            .finish(&item.id, SendOutcome::Sent, now, random)
            .unwrap();
        self.saved_outbox = self.outbox.clone();
    }

    fn block(&mut self) {
        let now = self.now;
        let Some(item) = self.outbox.next_ready(now).cloned() else {
            return;
        };
        let random = self.rand();
        self.outbox.start(&item.id, now, random).unwrap();
        let outcome = SendOutcome::Failed {
            reason: FailReason::BlockedByPlatform,
        };
        let random = self.rand();
        self.outbox.finish(&item.id, outcome, now, random).unwrap();
        self.saved_outbox = self.outbox.clone();
    }

    fn resume_all(&mut self) {
        for (account, _) in self.outbox.paused_accounts() {
            self.outbox.resume(&account);
        }
        let _ = self.campaign.resume();
        self.saved_outbox = self.outbox.clone();
        self.saved_campaign = self.campaign.clone();
    }

    fn reply(&mut self, n: usize) {
        let now = self.now;
        if let Some(id) = self.campaign.buyer_wrote(&format!("c{n}"), now) {
            // Refused when it already started: it finishes and is recorded as it ends.
            let _ = self.outbox.cancel(&id, now);
        }
        self.saved_outbox = self.outbox.clone();
        self.saved_campaign = self.campaign.clone();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn every_recipient_exactly_once_whatever_the_worker_survives(
        recipients in 1usize..12,
        accounts in 1usize..3,
        ops in proptest::collection::vec(op(), 0..80),
    ) {
        let mut w = World::new(recipients, accounts);
        for op in ops {
            w.now += 1_000;
            match op {
                Op::Pump { die } => w.pump(die),
                Op::Type { die_typing } => w.type_next(die_typing),
                Op::Reply { n } => w.reply(n % recipients),
                Op::Restart => w.restart(),
                Op::Block => w.block(),
                Op::ResumeAll => w.resume_all(),
                Op::Tick { ms } => w.now += ms,
            }
            // At most once, at every moment.
            for r in &w.campaign.recipients {
                let typed = w.page.get(&r.to.thread_id).map_or(0, |t| t.len());
                prop_assert!(typed <= 1, "{} typed {} times", r.customer_id, typed);
            }
        }
        // A block pauses the campaign until the agent resumes it.
        w.pump(None);
        if w.outbox.paused_accounts().is_empty() {
            let paused_by_block =
                matches!(w.campaign.state, CampaignState::Paused { blocked: Some(_), .. });
            prop_assert!(!paused_by_block, "paused for a block no account has");
        }
        w.resume_all();
        // Then the worker runs undisturbed until the campaign is done.
        for _ in 0..(recipients * 6 + 10) {
            w.now += 1_000;
            w.pump(None);
            w.type_next(false);
        }
        w.pump(None);
        prop_assert!(
            matches!(w.campaign.state, CampaignState::Done { .. }),
            "not done: {:?}",
            w.campaign.progress()
        );
        for r in &w.campaign.recipients {
            let typed = w.page.get(&r.to.thread_id).map_or(0, |t| t.len());
            match &r.state {
                RecipientState::Sent { .. } => prop_assert_eq!(typed, 1, "{}", r.customer_id),
                RecipientState::Skipped { reason: SkipReason::Replied, .. } => {
                    prop_assert_eq!(typed, 0, "{} skipped but typed", r.customer_id)
                }
                // The buyer wrote after the message was typed: it went out, and says so.
                other => prop_assert!(false, "{} ended {:?}", r.customer_id, other),
            }
            prop_assert!(w.outbox.item(&message_id("k1", &r.customer_id)).is_some() || typed == 0);
        }
    }
}
