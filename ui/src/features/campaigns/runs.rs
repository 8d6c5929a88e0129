//! The campaigns the worker runs: progress, time left, pause / resume / cancel, every
//! recipient's outcome with its reason, the CSV report; and the opt-out words.

use super::{use_ctx, worker};
use crate::state::{ask_outbox, use_app};
use crate::widgets::format::format_time;
use leptos::prelude::*;
use nobi_core::campaign::words::{duration, word, Word};
use nobi_core::i18n::fail_reason;
use nobi_core::protocol::campaign::{
    Campaign, CampaignState, CampaignsToPanel, PanelToCampaigns, RecipientState, SkipReason,
};
use nobi_core::protocol::PanelToBackground;

/// The campaigns, newest first.
fn campaigns(snapshot: &Option<CampaignsToPanel>) -> Vec<Campaign> {
    let mut list = match snapshot {
        Some(CampaignsToPanel::Campaigns { campaigns, .. }) => campaigns.clone(),
        _ => Vec::new(),
    };
    list.sort_by_key(|c| std::cmp::Reverse(c.created_at));
    list
}

/// Asks the worker; its answer replaces the snapshot, a refusal or a silent worker is shown.
/// (`ctx` is passed, not looked up: this runs in tasks, outside the components' owners.)
pub async fn act(ctx: super::Ctx, request: PanelToCampaigns) -> bool {
    let lang = ctx.lang;
    match worker::ask(&request).await {
        Ok(reply @ CampaignsToPanel::Campaigns { .. }) => {
            ctx.snapshot.set(Some(reply));
            ctx.error.set(None);
            true
        }
        Ok(CampaignsToPanel::Refused { error }) => {
            ctx.error.set(Some(nobi_core::campaign::words::refusal(
                &error,
                lang.get_untracked(),
            )));
            false
        }
        Err(e) => {
            web_sys::console::error_1(&e.into());
            ctx.error
                .set(Some(word(Word::WorkerSilent, lang.get_untracked()).into()));
            false
        }
    }
}

#[component]
pub fn Runs() -> impl IntoView {
    let ctx = use_ctx();
    let ids = Memo::new(move |_| {
        ctx.snapshot
            .with(campaigns)
            .into_iter()
            .map(|c| c.id)
            .collect::<Vec<_>>()
    });
    view! {
        <div class="campaign-runs" data-testid="campaign-runs">
            {move || ids.with(Vec::is_empty).then(|| view! {
                <p class="muted" data-testid="campaigns-empty">{move || ctx.w(Word::NoCampaigns)}</p>
            })}
            <For each=move || ids.get() key=|id| id.clone() let:id>
                <CampaignCard id=id/>
            </For>
            <OptOutSettings/>
        </div>
    }
}

/// The words of a recipient's state.
fn outcome(state: &RecipientState, lang: nobi_core::i18n::Lang) -> String {
    let w = |k| word(k, lang);
    match state {
        RecipientState::Pending => w(Word::OutcomePending).into(),
        RecipientState::Handed { .. } => w(Word::OutcomeHanded).into(),
        RecipientState::Sent { at } => {
            format!("{} {}", w(Word::OutcomeSent), format_time(*at as i64))
        }
        RecipientState::Failed { reason, .. } => {
            format!("{}: {}", w(Word::OutcomeFailed), fail_reason(*reason, lang))
        }
        RecipientState::NeedsAgent { reason, .. } => {
            format!(
                "{}: {}",
                w(Word::OutcomeNeedsAgent),
                fail_reason(*reason, lang)
            )
        }
        RecipientState::Cancelled { .. } => w(Word::OutcomeCancelled).into(),
        RecipientState::Skipped { reason, .. } => format!(
            "{}: {}",
            w(Word::OutcomeSkipped),
            w(match reason {
                SkipReason::Replied => Word::SkipReplied,
                SkipReason::OptedOut => Word::SkipOptedOut,
                SkipReason::CampaignCancelled => Word::SkipCancelled,
            })
        ),
        RecipientState::Lost { .. } => w(Word::OutcomeLost).into(),
    }
}

fn outcome_class(state: &RecipientState) -> &'static str {
    match state {
        RecipientState::Sent { .. } => "ok",
        RecipientState::Pending | RecipientState::Handed { .. } => "muted",
        RecipientState::Skipped { .. } => "muted",
        _ => "error",
    }
}

#[component]
fn CampaignCard(id: String) -> impl IntoView {
    let ctx = use_ctx();
    let state = use_app();
    let lang = state.lang;
    let w = move |k| word(k, lang.get());
    let campaign = {
        let id = id.clone();
        Memo::new(move |_| {
            ctx.snapshot
                .with(|s| campaigns(s).into_iter().find(|c| c.id == id))
        })
    };
    let details = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let request = move |make: fn(String) -> PanelToCampaigns| {
        let Some(c) = campaign.get_untracked() else {
            return;
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            // A campaign stopped by a block resumes its account too: the blocked send is queued
            // again, and the campaign's next recipients follow it.
            if let CampaignState::Paused {
                blocked: Some(account),
                ..
            } = &c.state
            {
                if matches!(make(String::new()), PanelToCampaigns::Resume { .. }) {
                    ask_outbox(
                        PanelToBackground::OutboxResume {
                            account: account.clone(),
                        },
                        state.outbox,
                    )
                    .await;
                }
            }
            act(ctx, make(c.id)).await;
            busy.set(false);
        });
    };
    let progress =
        move || campaign.with(|c| c.as_ref().map(Campaign::progress).unwrap_or_default());
    let state_text = move || {
        campaign.with(|c| {
            let Some(c) = c else { return String::new() };
            match &c.state {
                CampaignState::Draft => w(Word::StateDraft).into(),
                CampaignState::Scheduled { at } => {
                    format!("{} {}", w(Word::StateScheduled), format_time(*at as i64))
                }
                CampaignState::Running => w(Word::StateRunning).into(),
                CampaignState::Paused {
                    blocked: Some(_), ..
                } => w(Word::StateBlocked).into(),
                CampaignState::Paused { .. } => w(Word::StatePaused).into(),
                CampaignState::Done { at } => {
                    format!("{} {}", w(Word::StateDone), format_time(*at as i64))
                }
                CampaignState::Cancelled { .. } => w(Word::StateCancelled).into(),
            }
        })
    };
    let time_left = move || {
        let pacing = state.outbox.with(|o| o.settings.pacing.clone());
        campaign.with(|c| {
            let c = c.as_ref()?;
            if !matches!(
                c.state,
                CampaignState::Running | CampaignState::Scheduled { .. }
            ) {
                return None;
            }
            let left = c.time_left_ms(&pacing, crate::db::store::now() as u64)?;
            Some(format!(
                "{} {}",
                w(Word::TimeLeft),
                duration(left, lang.get())
            ))
        })
    };
    let can = move |f: fn(&CampaignState) -> bool| {
        campaign.with(|c| c.as_ref().is_some_and(|c| f(&c.state)))
    };
    let export = move |_| {
        let Some(c) = campaign.get_untracked() else {
            return;
        };
        let bytes = nobi_core::campaign::report::csv(&c);
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let name = format!(
            "chien-dich-{}.csv",
            nobi_core::text::fold::fold_str(&c.name).replace(' ', "-")
        );
        if crate::files::download(&name, &text, "text/csv;charset=utf-8").is_err() {
            ctx.error
                .set(Some(word(Word::ExportFailed, lang.get_untracked()).into()));
        }
    };
    view! {
        <article class="campaign-card" data-testid="campaign-card">
            <header class="campaign-head">
                <strong data-testid="campaign-name">{move || campaign.with(|c| c.as_ref().map(|c| c.name.clone()).unwrap_or_default())}</strong>
                <span class="campaign-state" data-testid="campaign-state">{state_text}</span>
            </header>
            <progress data-testid="campaign-progress"
                max=move || progress().total.max(1).to_string()
                value=move || { let p = progress(); (p.total - p.pending).to_string() }></progress>
            <p class="campaign-counts" data-testid="campaign-counts">{move || {
                let p = progress();
                format!("{} {} · {} {} · {} {} · {} {} / {}",
                    w(Word::CountSent), p.sent, w(Word::CountFailed), p.failed,
                    w(Word::CountSkipped), p.skipped, w(Word::CountPending), p.pending, p.total)
            }}</p>
            {move || time_left().map(|t| view! { <p class="muted" data-testid="campaign-eta">{t}</p> })}
            {move || can(|s| matches!(s, CampaignState::Paused { blocked: Some(_), .. })).then(|| view! {
                <p class="error" role="alert" data-testid="campaign-blocked">{move || w(Word::BlockedHint)}</p>
            })}
            <div class="row-actions">
                {move || can(|s| matches!(s, CampaignState::Running | CampaignState::Scheduled { .. })).then(|| view! {
                    <button data-testid="campaign-pause" disabled=move || busy.get()
                        on:click=move |_| request(|id| PanelToCampaigns::Pause { id })>{move || w(Word::Pause)}</button>
                })}
                {move || can(|s| matches!(s, CampaignState::Paused { .. })).then(|| view! {
                    <button class="primary" data-testid="campaign-resume" disabled=move || busy.get()
                        on:click=move |_| request(|id| PanelToCampaigns::Resume { id })>{move || w(Word::Resume)}</button>
                })}
                {move || can(|s| !matches!(s, CampaignState::Done { .. } | CampaignState::Cancelled { .. })).then(|| view! {
                    <button class="danger" data-testid="campaign-cancel" disabled=move || busy.get()
                        on:click=move |_| {
                            let sure = web_sys::window()
                                .and_then(|win| win.confirm_with_message(word(Word::CancelConfirm, lang.get_untracked())).ok())
                                .unwrap_or(false);
                            if sure {
                                request(|id| PanelToCampaigns::Cancel { id });
                            }
                        }>{move || w(Word::Cancel)}</button>
                })}
                <button data-testid="campaign-export" on:click=export>{move || w(Word::ExportCsv)}</button>
                <button data-testid="campaign-details" aria-expanded=move || details.get().to_string()
                    on:click=move |_| details.update(|d| *d = !*d)>{move || w(Word::Details)}</button>
            </div>
            {move || details.get().then(|| view! {
                <ul class="campaign-recipients" data-testid="campaign-recipients">
                    <For each=move || campaign.with(|c| c.as_ref().map(|c| c.recipients.clone()).unwrap_or_default())
                        key=|r| (r.customer_id.clone(), format!("{:?}", r.state))
                        let:r>
                        <li data-testid="campaign-recipient">
                            <span class="name">{nobi_core::text::for_display(&r.name)}</span>
                            <span class=outcome_class(&r.state) data-testid="recipient-outcome">{
                                let state = r.state.clone();
                                move || outcome(&state, lang.get())
                            }</span>
                        </li>
                    </For>
                </ul>
            })}
        </article>
    }
}

/// The opt-out words: a buyer whose message is one of them gets no campaign again.
#[component]
fn OptOutSettings() -> impl IntoView {
    let ctx = use_ctx();
    let lang = use_app().lang;
    let w = move |k| word(k, lang.get());
    let stored = move || match ctx.snapshot.get() {
        Some(CampaignsToPanel::Campaigns {
            opt_out_words,
            do_not_message,
            ..
        }) => (opt_out_words, do_not_message.len()),
        _ => (Vec::new(), 0),
    };
    let shown = move || {
        let (words, _) = stored();
        if words.is_empty() {
            nobi_core::campaign::opt_out::DEFAULT_KEYWORDS.join(", ")
        } else {
            words.join(", ")
        }
    };
    let text = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let save = Action::new_local(move |words: &Vec<String>| {
        let words = words.clone();
        async move {
            let ok = act(ctx, PanelToCampaigns::SetOptOutWords { words }).await;
            saved.set(ok);
            if ok {
                text.set(None);
            }
        }
    });
    view! {
        <details class="opt-out" data-testid="opt-out">
            <summary>{move || w(Word::OptOutTitle)}</summary>
            <p class="muted">{move || w(Word::OptOutHint)}</p>
            <p class="muted" data-testid="do-not-message-count">{move || format!("{}: {}", w(Word::DoNotMessageCount), stored().1)}</p>
            <textarea data-testid="opt-out-words" rows="2"
                prop:value=move || text.get().unwrap_or_else(shown)
                on:input=move |ev| { saved.set(false); text.set(Some(event_target_value(&ev))) }></textarea>
            <div class="row-actions">
                <button data-testid="opt-out-save" on:click=move |_| {
                    let words: Vec<String> = text.get_untracked().unwrap_or_else(shown)
                        .split([',', '\n', ';'])
                        .map(|s| s.trim().to_owned())
                        .filter(|s| !s.is_empty())
                        .collect();
                    save.dispatch(words);
                }>{move || w(Word::Save)}</button>
                {move || saved.get().then(|| view! { <span class="ok" data-testid="opt-out-saved">{move || w(Word::Saved)}</span> })}
            </div>
        </details>
    }
}
