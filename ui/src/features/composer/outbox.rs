//! The outbox as the agent sees it: what waits, what was sent, what failed and why.

use crate::state::ask_outbox;
use crate::widgets::format::format_time;
use leptos::prelude::*;
use nobi_core::i18n::{fail_reason, ui, Lang, Ui};
use nobi_core::outbox::{ItemState, OutboxItem, TeamLimit, TeamWait};
use nobi_core::protocol::{PanelToBackground, ThreadRef};

/// What a message's state reads as in the panel; `paused`: its account is stopped.
pub(super) fn state_text(
    item: &OutboxItem,
    paused: bool,
    team_wait: Option<TeamWait>,
    lang: Lang,
) -> String {
    let t = |k| ui(k, lang);
    match &item.state {
        ItemState::Queued if paused => t(Ui::OutboxPaused).to_owned(),
        ItemState::Queued if team_wait.is_some() => {
            let w = team_wait.unwrap_or_else(|| unreachable!());
            let limit = match w.limit {
                TeamLimit::Daily => Ui::TeamBudgetDaily,
                TeamLimit::Hourly => Ui::TeamBudgetHourly,
                TeamLimit::Gap => Ui::TeamBudgetGap,
            };
            format!("{} {}", t(limit), format_time(w.until as i64))
        }
        ItemState::Queued => match (item.retry_at, item.not_before) {
            (Some(at), _) => format!(
                "{} {} ({})",
                t(Ui::OutboxRetrying),
                format_time(at as i64),
                item.last_failure
                    .map(|r| fail_reason(r, lang))
                    .unwrap_or_default()
            ),
            (None, Some(at)) if at > js_sys::Date::now() as u64 => {
                format!("{} {}", t(Ui::OutboxScheduled), format_time(at as i64))
            }
            _ => t(Ui::OutboxQueued).to_owned(),
        },
        ItemState::Sending { .. } => t(Ui::Sending).to_owned(),
        ItemState::NeedsCheck { .. } => t(Ui::OutboxChecking).to_owned(),
        ItemState::Sent { at } => format!("{} {}", t(Ui::OutboxSent), format_time(*at as i64)),
        ItemState::Failed { reason, .. } => fail_reason(*reason, lang).to_owned(),
        ItemState::NeedsAgent { reason, .. } => {
            format!("{} {}", t(Ui::OutboxNeedsAgent), fail_reason(*reason, lang))
        }
        ItemState::Cancelled { .. } => t(Ui::OutboxCancelled).to_owned(),
    }
}

fn state_class(item: &OutboxItem) -> &'static str {
    match item.state {
        ItemState::Sent { .. } => "ob-item sent",
        ItemState::Failed { .. } | ItemState::NeedsAgent { .. } => "ob-item failed",
        ItemState::Cancelled { .. } => "ob-item cancelled",
        _ => "ob-item pending",
    }
}

/// The messages of one conversation (its last ten), or with `thread: None` every message of any
/// conversation that is not done yet (what the agent must look at when no conversation is open).
#[component]
pub fn OutboxList(thread: Option<ThreadRef>) -> impl IntoView {
    let state = crate::state::use_app();
    let lang = state.lang;
    let outbox = state.outbox;
    let t = move |key: Ui| ui(key, lang.get());
    // Retry and cancel: the worker answers with the outbox, which shows the change.
    let ask = Action::new_local(move |request: &PanelToBackground| {
        let request = request.clone();
        async move {
            ask_outbox(request, outbox).await;
        }
    });
    let is_paused = move |item: &OutboxItem| {
        outbox.with(|o| o.paused.iter().any(|p| p.account == item.account_key()))
    };
    let team_wait = move |item: &OutboxItem| {
        outbox.with(|o| {
            o.team_waits
                .iter()
                .find(|(k, _)| *k == item.account_key())
                .map(|(_, w)| *w)
        })
    };
    let shown = move || {
        outbox.with(|o| {
            let mut items: Vec<OutboxItem> = o
                .items
                .iter()
                .filter(|i| match &thread {
                    Some(thread) => &i.to == thread,
                    None => !matches!(
                        i.state,
                        ItemState::Sent { .. } | ItemState::Cancelled { .. }
                    ),
                })
                .cloned()
                .collect();
            let skip = items.len().saturating_sub(10);
            items.drain(..skip);
            items
        })
    };
    let damaged = move || {
        outbox.with(|o| {
            o.damaged.as_ref().map(|d| {
                let key = if d.kept_as.is_some() {
                    Ui::OutboxDamaged
                } else {
                    Ui::OutboxFrozen
                };
                format!("{} ({})", t(key), d.detail)
            })
        })
    };
    view! {
        {move || damaged().map(|text| view! {
            <p class="error" role="alert" data-testid="outbox-damaged">{text}</p>
        })}
        <ul class="outbox" data-testid="outbox">
            {move || shown().into_iter().map(|item| {
                let id = item.id.clone();
                let id2 = item.id.clone();
                let (id3, id4) = (item.id.clone(), item.id.clone());
                let failed = matches!(item.state, ItemState::Failed { .. });
                let undecided = matches!(item.state, ItemState::NeedsAgent { .. });
                let cancellable = matches!(item.state, ItemState::Queued | ItemState::Failed { .. } | ItemState::NeedsCheck { .. } | ItemState::NeedsAgent { .. });
                view! {
                    <li class=state_class(&item) data-testid="outbox-item">
                        <span class="ob-text">{nobi_core::text::for_display(&item.text)}</span>
                        {(!item.attachments.is_empty()).then(|| format!(" 📎{}", item.attachments.len()))}
                        <span class="ob-state small" data-testid="outbox-state">{state_text(&item, is_paused(&item), team_wait(&item), lang.get())}</span>
                        {failed.then(|| view! {
                            <button class="link" data-testid="outbox-retry" on:click=move |_| {
                                ask.dispatch(PanelToBackground::OutboxRetry { id: id.clone() });
                            }>{t(Ui::Retry)}</button>
                        })}
                        {undecided.then(|| view! {
                            <button class="link" data-testid="outbox-mark-sent" on:click=move |_| {
                                ask.dispatch(PanelToBackground::OutboxMarkSent { id: id3.clone() });
                            }>{t(Ui::OutboxMarkSent)}</button>
                            <button class="link" data-testid="outbox-send-again" on:click=move |_| {
                                ask.dispatch(PanelToBackground::OutboxSendAgain { id: id4.clone() });
                            }>{t(Ui::OutboxSendAgain)}</button>
                        })}
                        {cancellable.then(|| view! {
                            <button class="link" data-testid="outbox-cancel" on:click=move |_| {
                                ask.dispatch(PanelToBackground::OutboxCancel { id: id2.clone() });
                            }>{t(Ui::Cancel)}</button>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
