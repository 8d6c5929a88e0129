//! The card's "Phụ trách" row in team mode: who has the conversation (you, another agent, or
//! nobody yet), "Nhận khách này" for a conversation of the pool, and for owners and managers a
//! list to give it to someone else or back to the pool. The server decides; a refused claim
//! says who was first ("Đã có người nhận").

use super::ask_and_keep;
use crate::state::use_app;
use leptos::prelude::*;
use nobi_core::crm::{Id, Staff};
use nobi_core::sync::team::{owner_of, Owner, PanelToSync, SyncReply};
use nobi_core::sync::words::{word, Word};

fn staff_name(staff: &[Staff], id: &str) -> Option<String> {
    staff
        .iter()
        .find(|s| s.id.as_str() == id)
        .map(|s| s.name.clone())
        .filter(|n| !n.is_empty())
}

#[component]
pub fn AssigneeRow() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let team = state.team;
    let w = move |k: Word| word(k, lang.get());
    let message = RwSignal::new(None::<(bool, String)>);
    // A memo: the team view changes with every sync (its time, its status), who I am does not.
    let me = Memo::new(move |_| {
        team.with(|v| {
            v.as_ref()
                .filter(|v| !matches!(v.status, nobi_core::sync::Status::SignedOut))
                .and_then(|v| v.me.clone())
        })
    });
    let assignee = Memo::new(move |_| {
        state
            .conversation
            .with(|c| c.as_ref().and_then(|c| c.assignee.clone()))
    });
    let name_of = move |id: &str| {
        state
            .staff
            .with(|s| staff_name(s, id))
            .unwrap_or_else(|| w(Word::SomeoneElse).to_owned())
    };
    let take = Action::new_local(move |request: &PanelToSync| {
        let request = request.clone();
        async move {
            message.set(None);
            let reply = ask_and_keep(team, &request).await;
            let l = lang.get_untracked();
            let said = match reply {
                Some(SyncReply::Assigned { assignee }) => {
                    // Shown at once; the next pull writes the same.
                    state.conversation.update(|c| {
                        if let Some(c) = c {
                            c.assignee = assignee.map(Id);
                        }
                    });
                    None
                }
                Some(SyncReply::Refused { code, assignee, .. }) if code == "already_claimed" => {
                    let who = assignee
                        .and_then(|a| state.staff.with_untracked(|s| staff_name(s, &a)))
                        .unwrap_or_else(|| word(Word::SomeoneElse, l).to_owned());
                    Some((false, format!("{}: {who}", word(Word::AlreadyClaimed, l))))
                }
                Some(SyncReply::Refused { code, .. }) => Some((
                    false,
                    format!(
                        "{} ({code}): {}",
                        word(Word::Error, l),
                        word(nobi_core::sync::words::what_to_do(&code), l)
                    ),
                )),
                Some(SyncReply::Failed { word: k }) => Some((false, word(k, l).to_owned())),
                Some(SyncReply::View { .. }) | None => {
                    Some((false, word(Word::Unreachable, l).to_owned()))
                }
            };
            message.set(said);
        }
    });
    let conversation_id = move || {
        state
            .conversation
            .with_untracked(|c| c.as_ref().map(|c| c.id.0.clone()))
            .unwrap_or_default()
    };
    move || {
        let me = me.get()?;
        let current = assignee.get();
        let owner = owner_of(current.as_ref().map(|a| a.as_str()), Some(&me));
        let who = match &owner {
            Owner::Me => format!("{} ({})", me.name, w(Word::Mine)),
            Owner::Someone(id) => name_of(id),
            Owner::Nobody => w(Word::Pool).to_owned(),
        };
        let can_claim = owner == Owner::Nobody && me.role.can_write();
        let reassign = me.role.can_assign().then(|| {
            let options = state.staff.with(|s| {
                s.iter()
                    .filter(|s| !s.name.is_empty() && s.id.as_str().len() == 36)
                    .map(|s| {
                        let selected = current.as_ref() == Some(&s.id);
                        view! { <option value=s.id.0.clone() selected=selected>{s.name.clone()}</option> }
                    })
                    .collect_view()
            });
            view! {
                <label class="small">{w(Word::Reassign)} " "
                    <select data-testid="team-reassign" on:change=move |e| {
                        let v = event_target_value(&e);
                        let to = (!v.is_empty()).then_some(v);
                        take.dispatch(PanelToSync::Assign { conversation: conversation_id(), to });
                    }>
                        <option value="" selected=current.is_none()>{w(Word::ToPool)}</option>
                        {options}
                    </select>
                </label>
            }
        });
        Some(view! {
            <section class="card team-row" data-testid="team-assignee">
                <p>
                    <span class="muted">{w(Word::Assignee)} ": "</span>
                    <b data-testid="team-assignee-name" class:pool=owner == Owner::Nobody>{who}</b>
                    {can_claim.then(|| view! {
                        " " <button class="primary small" data-testid="team-claim"
                            disabled=move || take.pending().get()
                            on:click=move |_| { take.dispatch(PanelToSync::Claim { conversation: conversation_id() }); }>
                            {w(Word::Claim)}
                        </button>
                    })}
                </p>
                {reassign}
                {move || message.get().map(|(_, text)| view! { <p class="error small" role="alert" data-testid="team-claim-refused">{text}</p> })}
            </section>
        })
    }
}
