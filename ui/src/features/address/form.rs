//! The address form: paste or type a free-text address and the units of both schemes fill
//! themselves; searchable dropdowns correct them; an old ward that was split is never resolved
//! silently (the agent picks one of the new wards); the street part and GHTK's 4th level are kept.
//!
//! The customer card embeds [`AddressForm`] and keeps the list of saved addresses. The address
//! engine (`crate::address`) is loaded when the form first opens. Everything that came from a page
//! or from the agent is rendered as text nodes or attribute values, never as HTML.

use crate::features::address::engine::AddressEngine;
use leptos::html::Ul;
use leptos::leptos_dom::helpers::{set_timeout_with_handle, TimeoutHandle};
use leptos::prelude::*;
use leptos::task::spawn_local;
use nobi_core::address::{
    CheckReason, CurrentCandidate, DetectedScheme, ParsedAddress, Scheme, Unit,
};
use nobi_core::crm::units::{common_legacy, filter_units};
use nobi_core::crm::{CustomerAddress, Source, UnitRef};
use nobi_core::i18n::Lang;
use std::cell::Cell;
use std::time::Duration;
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;

/// How long typing must pause before the text is parsed again.
const DEBOUNCE: Duration = Duration::from_millis(150);
/// At most this many units are listed under a dropdown (Ho Chi Minh City has 168 wards).
const MAX_OPTIONS: usize = 200;

/// The words of the address form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Key {
    PasteLabel,
    PastePlaceholder,
    Loading,
    LoadFailed,
    Retry,
    NotFound,
    DetectedLegacy,
    DetectedCurrent,
    Confidence,
    TabLegacy,
    TabCurrent,
    Province,
    District,
    Ward,
    Search,
    ChooseAbove,
    NoMatch,
    SplitPrompt,
    NowIs,
    FormerlyIs,
    Street,
    StreetPlaceholder,
    Hamlet,
    HamletHint,
    Recipient,
    Phone,
    MakeDefault,
    Save,
    Cancel,
    Suggestions,
    NeedProvince,
    CheckAgain,
    CheckTypo,
    CheckAmbiguous,
    CheckOldProvince,
    CheckLowConfidence,
    EarlierNameBecame,
    Changed,
}

/// Vietnamese first, English second.
fn tr(key: Key, lang: Lang) -> &'static str {
    let (vi, en) = match key {
        Key::PasteLabel => ("Dán địa chỉ", "Paste an address"),
        Key::PastePlaceholder => (
            "Dán hoặc gõ địa chỉ, ví dụ: 12 ngõ 5 Láng Hạ, Đống Đa, Hà Nội",
            "Paste or type an address, e.g. 12 ngõ 5 Láng Hạ, Đống Đa, Hà Nội",
        ),
        Key::Loading => ("Đang tải dữ liệu địa giới…", "Loading administrative data…"),
        Key::LoadFailed => (
            "Không tải được dữ liệu địa giới. Vẫn có thể gõ số nhà, đường; thử tải lại.",
            "The administrative data did not load. You can still type the street; try again.",
        ),
        Key::Retry => ("Thử lại", "Try again"),
        Key::NotFound => (
            "Không nhận ra tỉnh/thành trong địa chỉ này — chọn bằng tay bên dưới",
            "No province or city recognised in this address — choose it by hand below",
        ),
        Key::DetectedLegacy => ("Địa chỉ cũ (63 tỉnh)", "Old address (63 provinces)"),
        Key::DetectedCurrent => ("Địa chỉ mới (34 tỉnh)", "New address (34 provinces)"),
        Key::Confidence => ("độ tin cậy", "confidence"),
        Key::TabLegacy => ("Cũ: tỉnh/huyện/xã", "Old: province/district/ward"),
        Key::TabCurrent => ("Mới: tỉnh/xã", "New: province/ward"),
        Key::Province => ("Tỉnh/thành phố", "Province/city"),
        Key::District => ("Quận/huyện", "District"),
        Key::Ward => ("Phường/xã", "Ward/commune"),
        Key::Search => (
            "Gõ để tìm (không dấu cũng được)",
            "Type to search (accents optional)",
        ),
        Key::ChooseAbove => ("Chọn cấp trên trước", "Choose the level above first"),
        Key::NoMatch => ("Không tìm thấy", "No match"),
        Key::SplitPrompt => (
            "Phường/xã cũ này nay thuộc nhiều phường/xã mới — chọn một:",
            "This old ward is now part of several new wards — choose one:",
        ),
        Key::NowIs => ("Nay là:", "Now:"),
        Key::FormerlyIs => ("Trước đây:", "Formerly:"),
        Key::Street => ("Số nhà, ngõ, đường", "House number, alley, street"),
        Key::StreetPlaceholder => ("Ví dụ: 12 ngõ 5 Láng Hạ", "e.g. 12 ngõ 5 Láng Hạ"),
        Key::Hamlet => (
            "Thôn/ấp/tổ (cấp 4, cho GHTK)",
            "Hamlet/village/group (4th level, for GHTK)",
        ),
        Key::HamletHint => ("Khác", "Khác (other)"),
        Key::Recipient => (
            "Tên người nhận (nếu khác)",
            "Recipient's name (if different)",
        ),
        Key::Phone => (
            "SĐT người nhận (nếu khác)",
            "Recipient's phone (if different)",
        ),
        Key::MakeDefault => ("Đặt làm mặc định", "Make default"),
        Key::Save => ("Lưu địa chỉ", "Save address"),
        Key::Cancel => ("Huỷ", "Cancel"),
        Key::Suggestions => ("Địa chỉ trong hội thoại", "Addresses in the chat"),
        Key::NeedProvince => (
            "Chọn tỉnh/thành trước khi lưu",
            "Choose a province or city before saving",
        ),
        Key::CheckAgain => ("Kiểm tra lại:", "Check again:"),
        Key::CheckTypo => (
            "có tên được nhận ra dù gõ sai chính tả",
            "a name was recognised despite a spelling mistake",
        ),
        Key::CheckAmbiguous => (
            "có nhiều cách hiểu, xem lại từng cấp",
            "it can be read several ways, check each level",
        ),
        Key::CheckOldProvince => (
            "tỉnh được ghi theo tên trước 01/07/2025",
            "the province is written by its name before 1 July 2025",
        ),
        Key::CheckLowConfidence => (
            "chưa chắc chắn, xem lại từng cấp",
            "not sure, check each level",
        ),
        Key::EarlierNameBecame => ("tên cũ, đã thành", "an earlier name, became"),
        Key::Changed => ("đổi", "changed"),
    };
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

// ---------------------------------------------------------------------------------------------
// Searching unit names without diacritics

// ---------------------------------------------------------------------------------------------
// The form's state

fn unit_ref(unit: &Unit) -> UnitRef {
    UnitRef {
        code: unit.code.clone(),
        name: unit.name.clone(),
    }
}

fn code_of(unit: &Option<UnitRef>) -> Option<String> {
    unit.as_ref().map(|u| u.code.clone())
}

fn same_code(a: &Option<UnitRef>, b: Option<&Unit>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.code == b.code,
        (None, _) => true,
        (Some(_), None) => false,
    }
}

fn non_empty(text: String) -> Option<String> {
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

fn next_id(prefix: &str) -> String {
    thread_local! {
        static NEXT: Cell<u32> = const { Cell::new(0) };
    }
    let n = NEXT.with(|c| {
        let n = c.get();
        c.set(n + 1);
        n
    });
    format!("{prefix}-{n}")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum EngineState {
    Loading,
    Ready,
    Failed,
}

/// Every field of the form, as signals.
#[derive(Clone, Copy)]
struct Form {
    text: RwSignal<String>,
    /// The text came from a chat suggestion (and was not edited since).
    from_chat: RwSignal<bool>,
    detected: RwSignal<Option<DetectedScheme>>,
    confidence: RwSignal<Option<f64>>,
    /// Why the agent should look at the recognised units again ("kiểm tra lại").
    checks: RwSignal<Vec<CheckReason>>,
    not_found: RwSignal<bool>,
    tab: RwSignal<Scheme>,
    legacy_province: RwSignal<Option<UnitRef>>,
    legacy_district: RwSignal<Option<UnitRef>>,
    legacy_ward: RwSignal<Option<UnitRef>>,
    current_province: RwSignal<Option<UnitRef>>,
    current_ward: RwSignal<Option<UnitRef>>,
    /// The new wards an old (split) ward went into, when there are several.
    candidates: RwSignal<Vec<CurrentCandidate>>,
    street: RwSignal<String>,
    /// The agent typed in the street field: parsing no longer overwrites it.
    street_edited: RwSignal<bool>,
    hamlet: RwSignal<String>,
    recipient: RwSignal<String>,
    phone: RwSignal<String>,
    is_default: RwSignal<bool>,
    error: RwSignal<Option<Key>>,
}

impl Form {
    fn new(initial: &CustomerAddress) -> Form {
        let has_current = initial.current_ward.is_some()
            || (initial.legacy_province.is_none() && initial.current_province.is_some());
        Form {
            text: RwSignal::new(String::new()),
            from_chat: RwSignal::new(false),
            detected: RwSignal::new(None),
            confidence: RwSignal::new(None),
            checks: RwSignal::new(Vec::new()),
            not_found: RwSignal::new(false),
            tab: RwSignal::new(if has_current {
                Scheme::Current
            } else {
                Scheme::Legacy
            }),
            legacy_province: RwSignal::new(initial.legacy_province.clone()),
            legacy_district: RwSignal::new(initial.legacy_district.clone()),
            legacy_ward: RwSignal::new(initial.legacy_ward.clone()),
            current_province: RwSignal::new(initial.current_province.clone()),
            current_ward: RwSignal::new(initial.current_ward.clone()),
            candidates: RwSignal::new(Vec::new()),
            street: RwSignal::new(initial.street.clone()),
            street_edited: RwSignal::new(false),
            hamlet: RwSignal::new(initial.hamlet.clone().unwrap_or_default()),
            recipient: RwSignal::new(initial.recipient.clone().unwrap_or_default()),
            phone: RwSignal::new(initial.phone.clone().unwrap_or_default()),
            is_default: RwSignal::new(initial.is_default),
            error: RwSignal::new(None),
        }
    }

    fn set_legacy(&self, province: Option<&Unit>, district: Option<&Unit>, ward: Option<&Unit>) {
        if province.is_some() {
            self.error.set(None);
        }
        self.legacy_province.set(province.map(unit_ref));
        self.legacy_district.set(district.map(unit_ref));
        self.legacy_ward.set(ward.map(unit_ref));
    }

    /// Sets the current units from a conversion or a parse: the ward when there is exactly one,
    /// the candidates (and no ward) when an old ward was split.
    fn set_current(&self, parsed: &ParsedAddress) {
        let candidates = &parsed.current_candidates;
        let province = parsed.current.as_ref().map(|c| &c.province).or_else(|| {
            let first = candidates.first()?;
            candidates
                .iter()
                .all(|c| c.province.code == first.province.code)
                .then_some(&first.province)
        });
        let ward =
            parsed
                .current
                .as_ref()
                .and_then(|c| c.ward.as_ref())
                .or(match candidates.as_slice() {
                    [only] => Some(&only.ward),
                    _ => None,
                });
        self.current_province.set(province.map(unit_ref));
        self.current_ward.set(ward.map(unit_ref));
        self.candidates
            .set(if ward.is_none() && candidates.len() > 1 {
                candidates.clone()
            } else {
                Vec::new()
            });
    }

    /// Fills the form from what the engine recognised in the pasted or typed text.
    fn apply_parsed(&self, parsed: ParsedAddress) {
        if !self.street_edited.get_untracked() {
            // Also when nothing was recognised: what the agent typed is kept, nothing is lost.
            self.street.set(parsed.street.trim().to_owned());
        }
        if parsed.legacy.is_none() && parsed.current.is_none() {
            self.not_found.set(true);
            self.detected.set(None);
            self.confidence.set(None);
            self.checks.set(Vec::new());
            return;
        }
        self.not_found.set(false);
        self.detected.set(Some(parsed.scheme));
        self.confidence.set(Some(parsed.confidence));
        self.checks.set(parsed.check_reasons());
        match &parsed.legacy {
            Some(l) => self.set_legacy(Some(&l.province), l.district.as_ref(), l.ward.as_ref()),
            None => {
                let (p, d, w) = common_legacy(&parsed.legacy_candidates);
                self.set_legacy(p.as_ref(), d.as_ref(), w.as_ref());
            }
        }
        self.set_current(&parsed);
        match parsed.scheme {
            DetectedScheme::Legacy => self.tab.set(Scheme::Legacy),
            DetectedScheme::Current => self.tab.set(Scheme::Current),
            DetectedScheme::Unknown => {}
        }
    }

    /// Converts the chosen legacy units to the current scheme, through the parser (which is
    /// where the engine's old→new mapping is exposed): "ward, district, province".
    fn convert_legacy(&self) {
        let Some(engine) = AddressEngine::cached() else {
            return;
        };
        let province = self.legacy_province.get_untracked();
        let district = self.legacy_district.get_untracked();
        let ward = self.legacy_ward.get_untracked();
        let Some(province_ref) = &province else {
            return;
        };
        let text = [&ward, &district, &province]
            .into_iter()
            .flatten()
            .map(|u| u.name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let Some(parsed) = engine.parse(&text) else {
            return;
        };
        let Some(legacy) = &parsed.legacy else {
            return;
        };
        if legacy.province.code != province_ref.code {
            return;
        }
        if same_code(&district, legacy.district.as_ref()) && same_code(&ward, legacy.ward.as_ref())
        {
            self.set_current(&parsed);
        } else {
            // The parser read another unit than the one chosen (two names differing only in
            // diacritics): keep the province, guess nothing below it.
            self.current_province
                .set(parsed.current.as_ref().map(|c| unit_ref(&c.province)));
            self.current_ward.set(None);
            self.candidates.set(Vec::new());
        }
    }

    fn pick_legacy_province(&self, unit: Unit) {
        // The agent chose the unit: what the parser was unsure of is theirs now.
        self.checks.set(Vec::new());
        self.set_legacy(Some(&unit), None, None);
        self.convert_legacy();
    }

    fn pick_legacy_district(&self, unit: Unit) {
        // The agent chose the unit: what the parser was unsure of is theirs now.
        self.checks.set(Vec::new());
        self.legacy_district.set(Some(unit_ref(&unit)));
        self.legacy_ward.set(None);
        self.convert_legacy();
    }

    fn pick_legacy_ward(&self, unit: Unit) {
        // The agent chose the unit: what the parser was unsure of is theirs now.
        self.checks.set(Vec::new());
        self.legacy_ward.set(Some(unit_ref(&unit)));
        self.convert_legacy();
    }

    /// A new current province: its ward is cleared, and the legacy units too if they convert to
    /// another province.
    fn pick_current_province(&self, unit: Unit) {
        // The agent chose the unit: what the parser was unsure of is theirs now.
        self.checks.set(Vec::new());
        self.error.set(None);
        self.current_province.set(Some(unit_ref(&unit)));
        self.current_ward.set(None);
        self.candidates.set(Vec::new());
        let Some(engine) = AddressEngine::cached() else {
            return;
        };
        if let Some(old) = self.legacy_province.get_untracked() {
            let now = engine
                .parse(&old.name)
                .and_then(|p| p.current)
                .map(|c| c.province.code);
            if now.as_deref() != Some(unit.code.as_str()) {
                self.set_legacy(None, None, None);
            }
        }
    }

    /// A current ward chosen in the dropdown: the legacy units are kept if the old ward is one of
    /// those that went into it, and otherwise replaced by what all those old wards agree on.
    fn pick_current_ward(&self, unit: Unit) {
        // The agent chose the unit: what the parser was unsure of is theirs now.
        self.checks.set(Vec::new());
        self.current_ward.set(Some(unit_ref(&unit)));
        if !self
            .candidates
            .with_untracked(|c| c.iter().any(|c| c.ward.code == unit.code))
        {
            self.candidates.set(Vec::new());
        }
        let (Some(engine), Some(province)) = (
            AddressEngine::cached(),
            self.current_province.get_untracked(),
        ) else {
            return;
        };
        let Some(parsed) = engine.parse(&format!("{}, {}", unit.name, province.name)) else {
            return;
        };
        let old_wards = parsed.legacy_candidates;
        if old_wards.is_empty() {
            return;
        }
        let district = self.legacy_district.get_untracked();
        let ward = self.legacy_ward.get_untracked();
        let consistent = ward.as_ref().is_some_and(|w| {
            old_wards.iter().any(|o| {
                o.ward.as_ref().is_some_and(|ow| ow.code == w.code)
                    && same_code(&district, o.district.as_ref())
            })
        });
        if !consistent {
            let (p, d, w) = common_legacy(&old_wards);
            self.set_legacy(p.as_ref(), d.as_ref(), w.as_ref());
        }
    }

    /// One of the new wards a split old ward went into.
    fn pick_candidate(&self, candidate: &CurrentCandidate) {
        self.checks.set(Vec::new());
        self.current_province
            .set(Some(unit_ref(&candidate.province)));
        self.current_ward.set(Some(unit_ref(&candidate.ward)));
    }

    fn build(&self, base: CustomerAddress) -> CustomerAddress {
        let source = if self.from_chat.get_untracked() {
            Source::Chat
        } else {
            base.source
        };
        CustomerAddress {
            recipient: non_empty(self.recipient.get_untracked()),
            phone: non_empty(self.phone.get_untracked()),
            street: self.street.get_untracked().trim().to_owned(),
            legacy_province: self.legacy_province.get_untracked(),
            legacy_district: self.legacy_district.get_untracked(),
            legacy_ward: self.legacy_ward.get_untracked(),
            current_province: self.current_province.get_untracked(),
            current_ward: self.current_ward.get_untracked(),
            hamlet: non_empty(self.hamlet.get_untracked()),
            is_default: self.is_default.get_untracked(),
            source,
            ..base
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Components

/// The address form. `initial` is the address being edited (its id is kept; a new address gets
/// `Id::default()` and the caller assigns one). `suggestions` are addresses found in the chat,
/// offered as chips. `on_save` receives the address; `on_cancel`, when given, shows a Cancel
/// button.
#[component]
pub fn AddressForm(
    #[prop(into)] lang: Signal<Lang>,
    #[prop(optional)] initial: Option<CustomerAddress>,
    #[prop(into)] suggestions: Signal<Vec<String>>,
    on_save: Callback<CustomerAddress>,
    #[prop(optional)] on_cancel: Option<Callback<()>>,
) -> impl IntoView {
    let t = move |key: Key| tr(key, lang.get());
    let base = initial.unwrap_or_default();
    let form = Form::new(&base);
    let base = StoredValue::new(base);
    let input_id = next_id("addr-input");
    let group = next_id("addr-candidate");

    // The engine: loaded once per panel, then cached.
    let state = RwSignal::new(if AddressEngine::cached().is_some() {
        EngineState::Ready
    } else {
        EngineState::Loading
    });
    let timer = StoredValue::new(None::<TimeoutHandle>);
    let pasted = StoredValue::new(false);
    on_cleanup(move || {
        if let Some(Some(handle)) = timer.try_get_value() {
            handle.clear();
        }
    });

    let parse_now = move || {
        if let Some(handle) = timer.get_value() {
            handle.clear();
            timer.set_value(None);
        }
        let Some(engine) = AddressEngine::cached() else {
            return; // parsed once the engine has loaded
        };
        let text = form.text.get_untracked();
        if text.trim().is_empty() {
            form.not_found.set(false);
            form.detected.set(None);
            form.confidence.set(None);
            form.checks.set(Vec::new());
            return;
        }
        if let Some(parsed) = engine.parse(&text) {
            form.apply_parsed(parsed);
        }
    };
    let schedule_parse = move || {
        if let Some(handle) = timer.get_value() {
            handle.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                if !timer.is_disposed() {
                    timer.set_value(None);
                    parse_now();
                }
            },
            DEBOUNCE,
        )
        .ok();
        timer.set_value(handle);
    };

    let on_loaded = move || {
        // An address being edited whose old ward was split: show the candidates again.
        if form.current_ward.get_untracked().is_none() && form.legacy_ward.get_untracked().is_some()
        {
            form.convert_legacy();
        }
        if !form.text.get_untracked().trim().is_empty() {
            parse_now();
        }
    };
    let load = move || {
        state.set(EngineState::Loading);
        spawn_local(async move {
            let result = AddressEngine::load().await;
            if state.is_disposed() {
                return;
            }
            match result {
                Ok(_) => {
                    state.set(EngineState::Ready);
                    on_loaded();
                }
                Err(e) => {
                    web_sys::console::error_1(&format!("Nobi Pro: address engine: {e}").into());
                    state.set(EngineState::Failed);
                }
            }
        });
    };
    if state.get_untracked() == EngineState::Loading {
        load();
    } else {
        on_loaded();
    }

    // The dropdowns' lists.
    let ready = move || state.get() == EngineState::Ready;
    let engine = move || AddressEngine::cached().filter(|_| ready());
    let legacy_provinces = Memo::new(move |_| {
        engine()
            .map(|e| e.provinces(Scheme::Legacy))
            .unwrap_or_default()
    });
    let districts = Memo::new(move |_| {
        let code = form.legacy_province.with(code_of);
        match (engine(), code) {
            (Some(e), Some(code)) => e.districts(&code),
            _ => Vec::new(),
        }
    });
    let legacy_wards = Memo::new(move |_| {
        let code = form.legacy_district.with(code_of);
        match (engine(), code) {
            (Some(e), Some(code)) => e.wards(Scheme::Legacy, &code),
            _ => Vec::new(),
        }
    });
    let current_provinces = Memo::new(move |_| {
        engine()
            .map(|e| e.provinces(Scheme::Current))
            .unwrap_or_default()
    });
    let current_wards = Memo::new(move |_| {
        let code = form.current_province.with(code_of);
        match (engine(), code) {
            (Some(e), Some(code)) => e.wards(Scheme::Current, &code),
            _ => Vec::new(),
        }
    });

    let use_suggestion = move |text: String| {
        form.text.set(text);
        form.from_chat.set(true);
        form.street_edited.set(false);
        parse_now();
    };

    let save = move || {
        if timer.get_value().is_some() {
            parse_now(); // the last keystrokes are not parsed yet
        }
        let has_province = form.legacy_province.with_untracked(Option::is_some)
            || form.current_province.with_untracked(Option::is_some);
        if !has_province {
            form.error.set(Some(Key::NeedProvince));
            return;
        }
        form.error.set(None);
        on_save.run(form.build(base.get_value()));
    };

    let names = |units: &[Option<UnitRef>]| {
        units
            .iter()
            .flatten()
            .map(|u| u.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let current_summary = move || {
        let ward = form.current_ward.get();
        let province = form.current_province.get();
        names(&[ward, province])
    };
    let legacy_summary = move || {
        names(&[
            form.legacy_ward.get(),
            form.legacy_district.get(),
            form.legacy_province.get(),
        ])
    };

    view! {
        <div class="addr-form" data-testid="addr-form">
            {move || match state.get() {
                EngineState::Loading => {
                    view! {
                        <p class="addr-status muted" data-testid="addr-loading" role="status">
                            {move || t(Key::Loading)}
                        </p>
                    }
                        .into_any()
                }
                EngineState::Failed => {
                    view! {
                        <p class="addr-status addr-error" data-testid="addr-error" role="alert">
                            {move || t(Key::LoadFailed)}
                            " "
                            <button type="button" class="chip" on:click=move |_| load()>
                                {move || t(Key::Retry)}
                            </button>
                        </p>
                    }
                        .into_any()
                }
                EngineState::Ready => ().into_any(),
            }}
            <Show when=move || suggestions.with(|s| !s.is_empty())>
                <div class="addr-suggestions" data-testid="addr-suggestions">
                    <span class="addr-label">{move || t(Key::Suggestions)}</span>
                    {move || {
                        suggestions
                            .get()
                            .into_iter()
                            .map(|s| {
                                let chosen = s.clone();
                                let title = s.clone();
                                view! {
                                    <button
                                        type="button"
                                        class="chip addr-chip"
                                        data-testid="addr-suggestion"
                                        title=title
                                        on:click=move |_| use_suggestion(chosen.clone())
                                    >
                                        {s}
                                    </button>
                                }
                            })
                            .collect_view()
                    }}
                </div>
            </Show>
            <label class="addr-label" for=input_id.clone()>
                {move || t(Key::PasteLabel)}
            </label>
            <textarea
                id=input_id
                data-testid="addr-input"
                rows="2"
                placeholder=move || t(Key::PastePlaceholder)
                prop:value=move || form.text.get()
                on:paste=move |_| pasted.set_value(true)
                on:input=move |ev| {
                    form.text.set(event_target_value(&ev));
                    form.from_chat.set(false);
                    if pasted.get_value() {
                        pasted.set_value(false);
                        form.street_edited.set(false);
                        parse_now();
                    } else {
                        schedule_parse();
                    }
                }
            ></textarea>
            <div class="addr-detected">
                {move || {
                    form.detected
                        .get()
                        .and_then(|scheme| match scheme {
                            DetectedScheme::Legacy => Some(Key::DetectedLegacy),
                            DetectedScheme::Current => Some(Key::DetectedCurrent),
                            // Only a province that the reform left as it was.
                            DetectedScheme::Unknown => None,
                        })
                        .map(|key| {
                            view! {
                                <span class="badge addr-badge" data-testid="addr-detected">
                                    {move || t(key)}
                                </span>
                            }
                        })
                }}
                {move || {
                    form.confidence
                        .get()
                        .map(|c| {
                            let percent = (c * 100.0).round() as u32;
                            view! {
                                <span class="addr-confidence muted" data-testid="addr-confidence">
                                    {move || t(Key::Confidence)}
                                    " "
                                    {format!("{percent}%")}
                                </span>
                            }
                        })
                }}
            </div>
            <CheckLine lang=lang checks=form.checks />
            <Show when=move || form.not_found.get()>
                <p class="addr-warning" data-testid="addr-not-found" role="status">
                    {move || t(Key::NotFound)}
                </p>
            </Show>
            <div class="addr-tabs" role="tablist" data-testid="addr-scheme">
                <button
                    type="button"
                    role="tab"
                    data-scheme="legacy"
                    class=move || {
                        if form.tab.get() == Scheme::Legacy { "addr-tab addr-tab-on" } else { "addr-tab" }
                    }
                    aria-selected=move || (form.tab.get() == Scheme::Legacy).to_string()
                    on:click=move |_| form.tab.set(Scheme::Legacy)
                >
                    {move || t(Key::TabLegacy)}
                </button>
                <button
                    type="button"
                    role="tab"
                    data-scheme="current"
                    class=move || {
                        if form.tab.get() == Scheme::Current { "addr-tab addr-tab-on" } else { "addr-tab" }
                    }
                    aria-selected=move || (form.tab.get() == Scheme::Current).to_string()
                    on:click=move |_| form.tab.set(Scheme::Current)
                >
                    {move || t(Key::TabCurrent)}
                </button>
            </div>
            <div class="addr-units" role="tabpanel" hidden=move || form.tab.get() != Scheme::Legacy>
                <UnitPicker
                    lang=lang
                    testid="addr-legacy-province"
                    label=Key::Province
                    options=legacy_provinces
                    selected=form.legacy_province
                    on_pick=Callback::new(move |u| form.pick_legacy_province(u))
                    enabled=Signal::derive(ready)
                />
                <UnitPicker
                    lang=lang
                    testid="addr-legacy-district"
                    label=Key::District
                    options=districts
                    selected=form.legacy_district
                    on_pick=Callback::new(move |u| form.pick_legacy_district(u))
                    enabled=Signal::derive(move || ready() && form.legacy_province.with(Option::is_some))
                />
                <UnitPicker
                    lang=lang
                    testid="addr-legacy-ward"
                    label=Key::Ward
                    options=legacy_wards
                    selected=form.legacy_ward
                    on_pick=Callback::new(move |u| form.pick_legacy_ward(u))
                    enabled=Signal::derive(move || ready() && form.legacy_district.with(Option::is_some))
                />
                <Show when=move || form.current_province.with(Option::is_some)>
                    <p class="addr-summary muted" data-testid="addr-current-summary">
                        {move || t(Key::NowIs)}
                        " "
                        {current_summary}
                    </p>
                </Show>
            </div>
            <div class="addr-units" role="tabpanel" hidden=move || form.tab.get() != Scheme::Current>
                <UnitPicker
                    lang=lang
                    testid="addr-current-province"
                    label=Key::Province
                    options=current_provinces
                    selected=form.current_province
                    on_pick=Callback::new(move |u| form.pick_current_province(u))
                    enabled=Signal::derive(ready)
                />
                <UnitPicker
                    lang=lang
                    testid="addr-current-ward"
                    label=Key::Ward
                    options=current_wards
                    selected=form.current_ward
                    on_pick=Callback::new(move |u| form.pick_current_ward(u))
                    enabled=Signal::derive(move || ready() && form.current_province.with(Option::is_some))
                />
                <Show when=move || form.legacy_province.with(Option::is_some)>
                    <p class="addr-summary muted" data-testid="addr-legacy-summary">
                        {move || t(Key::FormerlyIs)}
                        " "
                        {legacy_summary}
                    </p>
                </Show>
            </div>
            <Show when=move || form.candidates.with(|c| c.len() > 1)>
                <fieldset class="addr-candidates" data-testid="addr-candidates">
                    <legend>{move || t(Key::SplitPrompt)}</legend>
                    {
                        let group = group.clone();
                        move || {
                            form.candidates
                                .get()
                                .into_iter()
                                .map(|candidate| {
                                    let code = candidate.ward.code.clone();
                                    let label = format!(
                                        "{}, {}",
                                        candidate.ward.name,
                                        candidate.province.name,
                                    );
                                    let checked = move || {
                                        form.current_ward
                                            .with(|w| w.as_ref().is_some_and(|w| w.code == code))
                                    };
                                    view! {
                                        <label class="addr-candidate">
                                            <input
                                                type="radio"
                                                name=group.clone()
                                                value=candidate.ward.code.clone()
                                                prop:checked=checked
                                                on:change=move |_| form.pick_candidate(&candidate)
                                            />
                                            " "
                                            {label}
                                        </label>
                                    }
                                })
                                .collect_view()
                        }
                    }
                </fieldset>
            </Show>
            <label class="addr-field">
                <span class="addr-label">{move || t(Key::Street)}</span>
                <input
                    type="text"
                    data-testid="addr-street"
                    placeholder=move || t(Key::StreetPlaceholder)
                    prop:value=move || form.street.get()
                    on:input=move |ev| {
                        form.street.set(event_target_value(&ev));
                        form.street_edited.set(true);
                    }
                />
            </label>
            <label class="addr-field">
                <span class="addr-label">{move || t(Key::Hamlet)}</span>
                <input
                    type="text"
                    data-testid="addr-hamlet"
                    placeholder=move || t(Key::HamletHint)
                    prop:value=move || form.hamlet.get()
                    on:input=move |ev| form.hamlet.set(event_target_value(&ev))
                />
            </label>
            <div class="addr-row">
                <label class="addr-field">
                    <span class="addr-label">{move || t(Key::Recipient)}</span>
                    <input
                        type="text"
                        data-testid="addr-recipient"
                        autocomplete="off"
                        prop:value=move || form.recipient.get()
                        on:input=move |ev| form.recipient.set(event_target_value(&ev))
                    />
                </label>
                <label class="addr-field">
                    <span class="addr-label">{move || t(Key::Phone)}</span>
                    <input
                        type="tel"
                        data-testid="addr-phone"
                        autocomplete="off"
                        prop:value=move || form.phone.get()
                        on:input=move |ev| form.phone.set(event_target_value(&ev))
                    />
                </label>
            </div>
            <label class="addr-check">
                <input
                    type="checkbox"
                    data-testid="addr-default"
                    prop:checked=move || form.is_default.get()
                    on:change=move |ev| form.is_default.set(event_target_checked(&ev))
                />
                " "
                {move || t(Key::MakeDefault)}
            </label>
            <Show when=move || form.error.get().is_some()>
                <p class="addr-warning" data-testid="addr-form-error" role="alert">
                    {move || form.error.get().map(t)}
                </p>
            </Show>
            <div class="addr-actions">
                {on_cancel
                    .map(|cancel| {
                        view! {
                            <button
                                type="button"
                                class="addr-cancel"
                                data-testid="addr-cancel"
                                on:click=move |_| cancel.run(())
                            >
                                {move || t(Key::Cancel)}
                            </button>
                        }
                    })}
                <button
                    type="button"
                    class="send addr-save"
                    data-testid="addr-save"
                    on:click=move |_| save()
                >
                    {move || t(Key::Save)}
                </button>
            </div>
        </div>
    }
}

/// A searchable dropdown of units: the input shows the chosen unit's full name; typing filters
/// the list (accents optional); ArrowUp/ArrowDown move, Enter picks, Escape closes.
#[component]
fn UnitPicker(
    lang: Signal<Lang>,
    testid: &'static str,
    label: Key,
    #[prop(into)] options: Signal<Vec<Unit>>,
    #[prop(into)] selected: Signal<Option<UnitRef>>,
    on_pick: Callback<Unit>,
    #[prop(into)] enabled: Signal<bool>,
) -> impl IntoView {
    let t = move |key: Key| tr(key, lang.get());
    let input_id = next_id(testid);
    let list_id = format!("{input_id}-list");
    let query = RwSignal::new(String::new());
    // The agent typed since focusing: the input shows the query instead of the chosen name.
    let typed = RwSignal::new(false);
    let open = RwSignal::new(false);
    let active = RwSignal::new(0usize);
    let list_ref = NodeRef::<Ul>::new();
    let filtered = Memo::new(move |_| {
        let q = query.get();
        options.with(|units| filter_units(units, &q, MAX_OPTIONS))
    });
    let name = move || selected.with(|s| s.as_ref().map(|u| u.name.clone()));

    let close = move || {
        open.set(false);
        typed.set(false);
        query.set(String::new());
    };
    let pick = move |unit: Unit| {
        close();
        on_pick.run(unit);
    };
    // Keeps the highlighted option in view.
    let reveal = move |index: usize| {
        let Some(list) = list_ref.get_untracked() else {
            return;
        };
        let Some(item) = list.children().item(index as u32) else {
            return;
        };
        let item: web_sys::HtmlElement = item.unchecked_into();
        let top = item.offset_top();
        let bottom = top + item.offset_height();
        if top < list.scroll_top() {
            list.set_scroll_top(top);
        } else if bottom > list.scroll_top() + list.client_height() {
            list.set_scroll_top(bottom - list.client_height());
        }
    };
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.is_composing() {
            return; // an input method (Vietnamese on macOS) is still composing a letter
        }
        let count = filtered.with_untracked(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" => {
                ev.prevent_default();
                if open.get_untracked() {
                    active.update(|i| *i = (*i + 1).min(count.saturating_sub(1)));
                } else {
                    open.set(true);
                    active.set(0);
                }
                reveal(active.get_untracked());
            }
            "ArrowUp" => {
                ev.prevent_default();
                active.update(|i| *i = i.saturating_sub(1));
                reveal(active.get_untracked());
            }
            "Enter" if open.get_untracked() => {
                ev.prevent_default();
                let index = active.get_untracked();
                if let Some(unit) = filtered.with_untracked(|f| f.get(index).cloned()) {
                    pick(unit);
                }
            }
            "Escape" if open.get_untracked() => {
                ev.prevent_default();
                ev.stop_propagation();
                close();
            }
            _ => {}
        }
    };

    view! {
        <div class="addr-field">
            <label class="addr-label" for=input_id.clone()>
                {move || t(label)}
            </label>
            <div class="addr-combo">
                <input
                    type="text"
                    id=input_id
                    data-testid=testid
                    role="combobox"
                    aria-autocomplete="list"
                    aria-controls=list_id.clone()
                    aria-expanded=move || open.get().to_string()
                    autocomplete="off"
                    spellcheck="false"
                    disabled=move || !enabled.get()
                    placeholder=move || {
                        if enabled.get() {
                            name().unwrap_or_else(|| t(Key::Search).to_owned())
                        } else {
                            t(Key::ChooseAbove).to_owned()
                        }
                    }
                    prop:value=move || {
                        if typed.get() { query.get() } else { name().unwrap_or_default() }
                    }
                    on:focus=move |ev| {
                        active.set(0);
                        open.set(true);
                        event_target::<web_sys::HtmlInputElement>(&ev).select();
                    }
                    on:blur=move |_| close()
                    on:input=move |ev| {
                        query.set(event_target_value(&ev));
                        typed.set(true);
                        active.set(0);
                        open.set(true);
                    }
                    on:keydown=on_keydown
                />
                <Show when=move || open.get() && enabled.get()>
                    <ul
                        class="addr-options"
                        role="listbox"
                        id=list_id.clone()
                        node_ref=list_ref
                        // Clicking the scrollbar must not blur the input (which closes the list).
                        on:mousedown=|ev| ev.prevent_default()
                        data-testid=format!("{testid}-options")
                    >
                        {move || {
                            let units = filtered.get();
                            if units.is_empty() {
                                return view! {
                                    <li class="addr-option-none muted">{move || t(Key::NoMatch)}</li>
                                }
                                    .into_any();
                            }
                            units
                                .into_iter()
                                .enumerate()
                                .map(|(index, unit)| {
                                    let text = unit.name.clone();
                                    let is_active = move || active.get() == index;
                                    view! {
                                        <li
                                            role="option"
                                            class=move || {
                                                if is_active() { "addr-option addr-option-on" } else { "addr-option" }
                                            }
                                            data-testid="addr-option"
                                            data-code=unit.code.clone()
                                            aria-selected=move || is_active().to_string()
                                            on:mouseenter=move |_| active.set(index)
                                            on:mousedown=move |ev| {
                                                // Before the input's blur, which would close the list.
                                                ev.prevent_default();
                                                pick(unit.clone());
                                            }
                                        >
                                            {text}
                                        </li>
                                    }
                                })
                                .collect_view()
                                .into_any()
                        }}
                    </ul>
                </Show>
            </div>
        </div>
    }
}

/// "Kiểm tra lại: …" under the recognised units, with each reason in words; nothing when there is
/// no reason.
#[component]
fn CheckLine(lang: Signal<Lang>, checks: RwSignal<Vec<CheckReason>>) -> impl IntoView {
    let t = move |key: Key| tr(key, lang.get());
    let words = move |reason: &CheckReason| match reason {
        CheckReason::Typo => t(Key::CheckTypo).to_owned(),
        CheckReason::Ambiguous => t(Key::CheckAmbiguous).to_owned(),
        CheckReason::OldProvinceName => t(Key::CheckOldProvince).to_owned(),
        CheckReason::LowConfidence => t(Key::CheckLowConfidence).to_owned(),
        // "Phường 13: tên cũ, đã thành Phường 12 (đổi 2023-05-07 – 2025-01-04)". The unit named is
        // the old scheme's (as of 2025-06-30), as the old-scheme tab shows; the sources bracket
        // the date of most changes between two dated lists.
        CheckReason::EarlierName(e) => format!(
            "{}: {} {} ({} {})",
            e.earlier,
            t(Key::EarlierNameBecame),
            e.now.name,
            t(Key::Changed),
            e.since.replace("..", " – ")
        ),
    };
    view! {
        <Show when=move || checks.with(|c| !c.is_empty())>
            <p class="addr-review" data-testid="addr-review" role="status">
                <strong>{move || t(Key::CheckAgain)}</strong>
                " "
                {move || checks.with(|c| c.iter().map(words).collect::<Vec<_>>().join("; "))}
            </p>
        </Show>
    }
}
