//! The overlay that lists the panel's keyboard shortcuts (`?`), loaded on first use.

use crate::state::use_app;
use leptos::prelude::*;
use nobi_core::i18n::Ui;

#[component]
pub fn Help(on_close: Callback<()>) -> impl IntoView {
    let state = use_app();
    let t = move |key: Ui| state.t(key);
    let rows = [
        ("?", Ui::ShortcutHelp),
        ("Alt+1 … 6", Ui::ShortcutTabs),
        ("/", Ui::ShortcutSearch),
        ("N", Ui::ShortcutNote),
        ("P", Ui::ShortcutPhone),
        ("Ctrl+Enter", Ui::ShortcutSend),
        ("Esc", Ui::ShortcutClose),
    ];
    view! {
        <div class="overlay" role="dialog" aria-modal="true" data-testid="help" on:click=move |_| on_close.run(())>
            <div class="dialog" on:click=|ev| ev.stop_propagation()>
                <h2>{move || t(Ui::Shortcuts)}</h2>
                <table class="shortcuts">
                    {rows.into_iter().map(|(keys, what)| view! {
                        <tr><td><kbd>{keys}</kbd></td><td>{move || t(what)}</td></tr>
                    }).collect_view()}
                </table>
                <button on:click=move |_| on_close.run(())>{move || t(Ui::Close)}</button>
            </div>
        </div>
    }
}
