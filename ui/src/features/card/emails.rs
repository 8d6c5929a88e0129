//! The customer's e-mail addresses.

use crate::state::use_app;
use crate::widgets::AddRow;
use leptos::prelude::*;
use nobi_core::i18n::Ui;

#[component]
pub(crate) fn Emails() -> impl IntoView {
    let state = use_app();
    let t = move |key: Ui| state.t(key);
    let draft = RwSignal::new(String::new());
    let invalid = RwSignal::new(false);
    let add = move || {
        let Some(email) = nobi_core::crm::email_address(&draft.get_untracked()) else {
            invalid.set(true);
            return;
        };
        draft.set(String::new());
        state.edit(move |c, _| {
            if !c.emails.contains(&email) {
                c.emails.push(email);
            }
            Vec::new()
        });
    };
    view! {
        <section class="card" data-testid="emails">
            <h3>{move || t(Ui::Emails)}</h3>
            <ul class="rows">
                <For each=move || state.customer.with(|c| c.as_ref().map(|c| c.emails.clone()).unwrap_or_default())
                    key=|e| e.clone()
                    children=move |e| {
                        let remove = e.clone();
                        view! {
                            <li>{e}
                                <button class="icon" aria-label=move || t(Ui::Delete) on:click=move |_| {
                                    let r = remove.clone();
                                    state.edit(move |c, _| { c.emails.retain(|x| *x != r); Vec::new() });
                                }>"×"</button>
                            </li>
                        }
                    }/>
            </ul>
            <AddRow value=draft testid="email-input" kind="email"
                placeholder=Signal::derive(move || t(Ui::AddEmail)) button=Signal::derive(move || t(Ui::AddEmail))
                on_input=Callback::new(move |()| invalid.set(false)) on_submit=Callback::new(move |()| add())/>
            {move || invalid.get().then(|| view! { <p class="error" role="alert">{t(Ui::EmailInvalid)}</p> })}
        </section>
    }
}
