//! The outbox's pacing: gaps and limits per account.

use crate::state::ask_outbox;
use crate::state::use_app;
use leptos::prelude::*;
use nobi_core::i18n::{ui, Ui};
use nobi_core::protocol::PanelToBackground;

/// The outbox's pacing settings (Data tab): human-like by default, per account.
#[component]
pub fn PacingSettings() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let outbox = state.outbox;
    let t = move |key: Ui| ui(key, lang.get());
    let pacing = move || outbox.with(|o| o.settings.pacing.clone());
    // The worker stores the settings and answers with the outbox, which shows them.
    let send = Action::new_local(move |settings: &nobi_core::outbox::Settings| {
        let settings = settings.clone();
        async move {
            ask_outbox(PanelToBackground::SetOutboxSettings { settings }, outbox).await;
        }
    });
    let save = move |change: &dyn Fn(&mut nobi_core::outbox::Pacing)| {
        let mut settings = outbox.with_untracked(|o| o.settings.clone());
        change(&mut settings.pacing);
        send.dispatch(settings);
    };
    let seconds = |ms: u64| (ms / 1000).to_string();
    let number = |value: String| value.trim().parse::<u64>().ok();
    view! {
        <section class="card" data-testid="pacing">
            <h3>{move || t(Ui::Pacing)}</h3>
            <label class="check">
                <input type="checkbox" data-testid="pacing-enabled" prop:checked=move || pacing().enabled
                    on:change=move |ev| { let on = event_target_checked(&ev); save(&|p| p.enabled = on) }/>
                {move || t(Ui::Pacing)}
            </label>
            <div class="grid2">
                <label>{move || t(Ui::PacingGap)}
                    <input inputmode="numeric" data-testid="pacing-gap" prop:value=move || seconds(pacing().min_gap_ms)
                        on:change=move |ev| if let Some(s) = number(event_target_value(&ev)) { save(&|p| p.min_gap_ms = s * 1000) }/>
                </label>
                <label>{move || t(Ui::PacingJitter)}
                    <input inputmode="numeric" data-testid="pacing-jitter" prop:value=move || seconds(pacing().jitter_ms)
                        on:change=move |ev| if let Some(s) = number(event_target_value(&ev)) { save(&|p| p.jitter_ms = s * 1000) }/>
                </label>
                <label>{move || t(Ui::PacingPerHour)}
                    <input inputmode="numeric" data-testid="pacing-hour" prop:value=move || pacing().per_hour.map(|n| n.to_string()).unwrap_or_default()
                        on:change=move |ev| { let n = number(event_target_value(&ev)).map(|n| n.min(u64::from(u32::MAX)) as u32); save(&|p| p.per_hour = n) }/>
                </label>
                <label>{move || t(Ui::PacingPerDay)}
                    <input inputmode="numeric" data-testid="pacing-day" prop:value=move || pacing().per_day.map(|n| n.to_string()).unwrap_or_default()
                        on:change=move |ev| { let n = number(event_target_value(&ev)).map(|n| n.min(u64::from(u32::MAX)) as u32); save(&|p| p.per_day = n) }/>
                </label>
            </div>
        </section>
    }
}
