//! The customer's phones: add, pick from the chat, make primary, delete.

use crate::db::store::now;
use crate::state::use_app;
use crate::widgets::AddRow;
use leptos::prelude::*;
use nobi_core::crm::Source;
use nobi_core::i18n::Ui;
use nobi_core::phone::{extract_phones, parse_phone};

#[component]
pub(super) fn Phones() -> impl IntoView {
    let state = use_app();
    let t = move |key: Ui| state.t(key);
    let draft = RwSignal::new(String::new());
    let invalid = RwSignal::new(false);
    let add = move |number: String, source: Source| {
        state.edit(move |c, _| {
            c.add_phone(&number, source, now());
            Vec::new()
        });
    };
    let add_typed = move || match parse_phone(&draft.get_untracked()) {
        Some(found) => {
            invalid.set(false);
            draft.set(String::new());
            add(found.number, Source::Manual);
        }
        None => invalid.set(true),
    };
    // Phones in the buyer's messages that the customer does not have yet.
    let offered = move || {
        state.buyer_messages.with(|messages| {
            state.customer.with(|c| {
                c.as_ref()
                    .map(|c| c.phones_in_messages(messages))
                    .unwrap_or_default()
            })
        })
    };
    // Of those, the ones taken only because a phone word announced them, whose prefix the
    // numbering-plan tables do not list yet: their chip says to check them.
    let unverified = move || {
        state.buyer_messages.with(|messages| {
            messages
                .iter()
                .flat_map(|text| extract_phones(text))
                .filter(|p| p.unverified_prefix)
                .map(|p| p.number)
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="card" data-testid="phones">
            <h3>{move || t(Ui::Phones)}</h3>
            <ul class="rows">
                <For each=move || state.customer.with(|c| c.as_ref().map(|c| c.phones.clone()).unwrap_or_default())
                    key=|p| (p.number.clone(), p.primary)
                    children=move |p| {
                            let number = p.number.clone();
                            let remove = p.number.clone();
                            view! {
                                <li data-testid="phone">
                                    <a class="phone" href=format!("tel:{}", p.number)>{nobi_core::phone::display(&p.number)}</a>
                                    {p.primary.then(|| view! { <span class="badge primary" data-testid="primary">{move || t(Ui::PrimaryPhone)}</span> })}
                                    {(!p.primary).then(|| view! {
                                        <button class="link" on:click=move |_| {
                                            let n = number.clone();
                                            state.edit(move |c, _| { c.set_primary_phone(&n); Vec::new() });
                                        }>{move || t(Ui::MakePrimary)}</button>
                                    })}
                                    <button class="icon" title=move || t(Ui::Delete) aria-label=move || t(Ui::Delete) on:click=move |_| {
                                        let n = remove.clone();
                                        state.edit(move |c, _| { c.remove_phone(&n); Vec::new() });
                                    }>"×"</button>
                                </li>
                            }
                    }/>
            </ul>
            <div class="offered" data-testid="phones-in-chat">
                {move || {
                    let found = offered();
                    let unverified = unverified();
                    (!found.is_empty()).then(|| view! {
                        <span class="muted">{t(Ui::PhonesInChat)} ": "</span>
                        {found.into_iter().map(|n| {
                            let number = n.clone();
                            let check = unverified.contains(&n);
                            view! {
                                <button class="chip add" data-testid="capture-phone"
                                    title=check.then(|| t(Ui::PhoneUnverifiedPrefixHint))
                                    on:click=move |_| add(number.clone(), Source::Chat)>
                                    "+ " {nobi_core::phone::display(&n)}
                                    {check.then(|| view! {
                                        " " <span class="badge check" data-testid="unverified-prefix">{t(Ui::PhoneUnverifiedPrefix)}</span>
                                    })}
                                </button>
                            }
                        }).collect_view()}
                    })
                }}
            </div>
            <AddRow value=draft testid="phone-input" id="phone-input" inputmode="tel"
                placeholder=Signal::derive(move || t(Ui::AddPhone)) button=Signal::derive(move || t(Ui::AddPhone))
                on_input=Callback::new(move |()| invalid.set(false)) on_submit=Callback::new(move |()| add_typed())/>
            {move || invalid.get().then(|| view! { <p class="error" role="alert">{t(Ui::PhoneInvalid)}</p> })}
        </section>
    }
}
