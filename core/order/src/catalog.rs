//! The shop's products: variants (size, colour) with their SKU, price and stock per warehouse,
//! and combos, which are sold under their own SKU and price but hold no stock of their own.
//!
//! The sellable unit is a SKU: a [`Variant`] or a [`Combo`]. An order line names a SKU; stock is
//! kept per variant and per warehouse as a [`StockLevel`] (on hand and reserved), and a combo's
//! availability is derived from its components, so there is one number to keep right, not two.
//! Combos contain variants only (no combo of combos): one level of expansion keeps reservations
//! easy to read in the order history.

use super::money::Vnd;
use nobi_i18n::Lang;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The stock of one variant in one warehouse.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockLevel {
    /// Items physically in the warehouse (negative only if the shop allows selling below zero).
    pub on_hand: i64,
    /// Items promised to orders that are not delivered yet.
    pub reserved: i64,
}

impl StockLevel {
    /// What can still be promised: on hand minus reserved (saturating, never wrapping).
    pub fn available(&self) -> i64 {
        self.on_hand.saturating_sub(self.reserved)
    }
}

/// One sellable version of a product: a size and/or colour, with its own SKU, price and stock.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    pub sku: String,
    #[serde(default)]
    pub size: Option<String>,
    #[serde(default)]
    pub colour: Option<String>,
    pub price: Vnd,
    /// Shipping weight of one item, for the order's default weight.
    #[serde(default)]
    pub weight_grams: u32,
    /// Warehouse id → stock. A warehouse missing here has nothing of this variant.
    #[serde(default)]
    pub stock: BTreeMap<String, StockLevel>,
    #[serde(default)]
    pub images: Vec<String>,
}

/// A product as the shop lists it. A product without options has exactly one variant.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    /// Stable id (for sync), independent of the SKUs, which shops do rename.
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub images: Vec<String>,
    pub variants: Vec<Variant>,
}

/// One component of a combo: `quantity` items of the variant `sku` per combo sold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComboComponent {
    pub sku: String,
    pub quantity: u32,
}

/// A bundle sold under its own SKU and price; selling one reserves its components.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Combo {
    pub id: String,
    pub sku: String,
    pub name: String,
    pub price: Vnd,
    pub components: Vec<ComboComponent>,
    #[serde(default)]
    pub images: Vec<String>,
}

/// The whole catalog, as stored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    pub products: Vec<Product>,
    #[serde(default)]
    pub combos: Vec<Combo>,
}

/// What a SKU names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Item<'a> {
    Variant {
        product: &'a Product,
        variant: &'a Variant,
    },
    Combo(&'a Combo),
}

impl<'a> Item<'a> {
    pub fn sku(&self) -> &'a str {
        match self {
            Item::Variant { variant, .. } => &variant.sku,
            Item::Combo(c) => &c.sku,
        }
    }

    /// The name an order line shows: "Áo thun - M / Đỏ", or the combo's name.
    pub fn display_name(&self) -> String {
        match self {
            Item::Variant { product, variant } => {
                let options: Vec<&str> = [variant.size.as_deref(), variant.colour.as_deref()]
                    .into_iter()
                    .flatten()
                    .filter(|s| !s.trim().is_empty())
                    .collect();
                if options.is_empty() {
                    product.name.clone()
                } else {
                    format!("{} - {}", product.name, options.join(" / "))
                }
            }
            Item::Combo(c) => c.name.clone(),
        }
    }

    pub fn price(&self) -> Vnd {
        match self {
            Item::Variant { variant, .. } => variant.price,
            Item::Combo(c) => c.price,
        }
    }
}

/// A catalog inconsistency, or a SKU that is not in the catalog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CatalogError {
    UnknownSku(String),
    DuplicateSku(String),
    /// A combo lists another combo (or itself) as a component.
    ComboInCombo {
        combo: String,
        component: String,
    },
    EmptyCombo(String),
    ZeroQuantity {
        combo: String,
        component: String,
    },
    NegativePrice(String),
    /// Quantities so large that their product leaves `u32`.
    QuantityOverflow(String),
}

impl CatalogError {
    /// The text shown to the agent, saying what to do about it.
    pub fn message(&self, lang: Lang) -> String {
        use CatalogError::*;
        match (self, lang) {
            (UnknownSku(s), Lang::Vi) => format!("Không tìm thấy mã hàng \"{s}\" trong danh mục. Tìm lại sản phẩm hoặc thêm nó vào danh mục."),
            (UnknownSku(s), Lang::En) => format!("SKU \"{s}\" is not in the catalog. Search again or add the product to the catalog."),
            (DuplicateSku(s), Lang::Vi) => format!("Mã hàng \"{s}\" bị trùng. Mỗi phân loại cần một mã riêng."),
            (DuplicateSku(s), Lang::En) => format!("SKU \"{s}\" is used twice. Each variant needs its own SKU."),
            (ComboInCombo { combo, component }, Lang::Vi) => format!("Combo \"{combo}\" chứa combo \"{component}\". Hãy liệt kê trực tiếp các sản phẩm thành phần."),
            (ComboInCombo { combo, component }, Lang::En) => format!("Combo \"{combo}\" contains combo \"{component}\". List its products directly instead."),
            (EmptyCombo(s), Lang::Vi) => format!("Combo \"{s}\" chưa có sản phẩm nào. Thêm sản phẩm thành phần."),
            (EmptyCombo(s), Lang::En) => format!("Combo \"{s}\" has no products. Add its components."),
            (ZeroQuantity { combo, component }, Lang::Vi) => format!("Combo \"{combo}\": số lượng của \"{component}\" phải lớn hơn 0."),
            (ZeroQuantity { combo, component }, Lang::En) => format!("Combo \"{combo}\": the quantity of \"{component}\" must be above 0."),
            (NegativePrice(s), Lang::Vi) => format!("Giá của \"{s}\" không được âm."),
            (NegativePrice(s), Lang::En) => format!("The price of \"{s}\" cannot be negative."),
            (QuantityOverflow(s), Lang::Vi) => format!("Số lượng của \"{s}\" quá lớn."),
            (QuantityOverflow(s), Lang::En) => format!("The quantity of \"{s}\" is too large."),
        }
    }
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for CatalogError {}

/// One search result: a SKU the agent can add to an order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    pub sku: String,
    pub name: String,
    pub price: Vnd,
    pub is_combo: bool,
    /// Higher is better; only meaningful for ordering.
    pub score: u32,
}

impl Catalog {
    /// Every sellable item, variants first, in catalog order.
    pub fn items(&self) -> impl Iterator<Item = Item<'_>> {
        self.products
            .iter()
            .flat_map(|product| {
                product
                    .variants
                    .iter()
                    .map(move |variant| Item::Variant { product, variant })
            })
            .chain(self.combos.iter().map(Item::Combo))
    }

    /// The products whose name or one of whose SKUs contains `query` without diacritics or case
    /// (every product for a blank query), at most `limit`, in catalog order: the products tab's
    /// search.
    pub fn search_products(&self, query: &str, limit: usize) -> Vec<&Product> {
        let q = nobi_text::fold::fold_str(query);
        self.products
            .iter()
            .filter(|p| {
                q.is_empty()
                    || nobi_text::fold::fold_str(&p.name).contains(&q)
                    || p.variants
                        .iter()
                        .any(|v| nobi_text::fold::fold_str(&v.sku).contains(&q))
            })
            .take(limit)
            .collect()
    }

    /// The item a SKU names. SKUs match exactly (after trimming): shops print them on labels,
    /// and "AO-1" and "ao-1" may be different products.
    pub fn item(&self, sku: &str) -> Option<Item<'_>> {
        let sku = sku.trim();
        self.items().find(|i| i.sku() == sku)
    }

    pub fn variant(&self, sku: &str) -> Option<&Variant> {
        match self.item(sku)? {
            Item::Variant { variant, .. } => Some(variant),
            Item::Combo(_) => None,
        }
    }

    pub fn variant_mut(&mut self, sku: &str) -> Option<&mut Variant> {
        let sku = sku.trim();
        self.products
            .iter_mut()
            .flat_map(|p| p.variants.iter_mut())
            .find(|v| v.sku == sku)
    }

    /// The variants and quantities that `quantity` of `sku` takes from stock: the variant itself,
    /// or each component of a combo times `quantity`.
    pub fn components(&self, sku: &str, quantity: u32) -> Result<Vec<(String, u32)>, CatalogError> {
        match self.item(sku) {
            None => Err(CatalogError::UnknownSku(sku.trim().to_owned())),
            Some(Item::Variant { variant, .. }) => Ok(vec![(variant.sku.clone(), quantity)]),
            Some(Item::Combo(combo)) => combo
                .components
                .iter()
                .map(|c| match self.item(&c.sku) {
                    Some(Item::Variant { variant, .. }) => c
                        .quantity
                        .checked_mul(quantity)
                        .map(|q| (variant.sku.clone(), q))
                        .ok_or_else(|| CatalogError::QuantityOverflow(combo.sku.clone())),
                    Some(Item::Combo(_)) => Err(CatalogError::ComboInCombo {
                        combo: combo.sku.clone(),
                        component: c.sku.clone(),
                    }),
                    None => Err(CatalogError::UnknownSku(c.sku.clone())),
                })
                .collect(),
        }
    }

    /// How many of `sku` can still be promised from `warehouse`: a variant's available stock,
    /// or for a combo the number of whole combos its components allow. `None` for an unknown
    /// SKU.
    pub fn available(&self, sku: &str, warehouse: &str) -> Option<i64> {
        let level = |s: &str| {
            self.variant(s)
                .and_then(|v| v.stock.get(warehouse))
                .map_or(0, StockLevel::available)
        };
        match self.item(sku)? {
            // A variant may be below zero when the shop allows it: show the real number.
            Item::Variant { variant, .. } => Some(level(&variant.sku)),
            Item::Combo(_) => self
                .components(sku, 1)
                .ok()?
                .iter()
                // A combo needs whole sets: floor division, and nothing below zero.
                .map(|(s, q)| level(s).max(0) / i64::from((*q).max(1)))
                .min(),
        }
    }

    /// The shipping weight of `lines` (SKU, quantity) in grams, combos counted by their
    /// components: the order form's default weight, which the agent may override.
    pub fn weight_grams<'a, I>(&self, lines: I) -> Result<u64, CatalogError>
    where
        I: IntoIterator<Item = (&'a str, u32)>,
    {
        let mut total: u64 = 0;
        for (sku, quantity) in lines {
            for (variant, q) in self.components(sku, quantity)? {
                let each = self.variant(&variant).map_or(0, |v| v.weight_grams);
                // u32 × u32 fits in u64; only the running sum can overflow, and only in theory.
                total = total
                    .checked_add(u64::from(each) * u64::from(q))
                    .ok_or_else(|| CatalogError::QuantityOverflow(sku.to_owned()))?;
            }
        }
        Ok(total)
    }

    /// Every inconsistency in the catalog; empty when it is sound. Checked on import and
    /// before saving an edit, so that orders never meet them.
    pub fn validate(&self) -> Vec<CatalogError> {
        let mut errors = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for item in self.items() {
            if !seen.insert(item.sku()) {
                errors.push(CatalogError::DuplicateSku(item.sku().to_owned()));
            }
            if item.price().is_negative() {
                errors.push(CatalogError::NegativePrice(item.sku().to_owned()));
            }
        }
        for combo in &self.combos {
            if combo.components.is_empty() {
                errors.push(CatalogError::EmptyCombo(combo.sku.clone()));
            }
            for c in &combo.components {
                if c.quantity == 0 {
                    errors.push(CatalogError::ZeroQuantity {
                        combo: combo.sku.clone(),
                        component: c.sku.clone(),
                    });
                }
                match self.item(&c.sku) {
                    None => errors.push(CatalogError::UnknownSku(c.sku.clone())),
                    Some(Item::Combo(_)) => errors.push(CatalogError::ComboInCombo {
                        combo: combo.sku.clone(),
                        component: c.sku.clone(),
                    }),
                    Some(Item::Variant { .. }) => {}
                }
            }
        }
        errors
    }

    /// Finds items by name, size, colour or SKU, ignoring case and diacritics: "ao thun do"
    /// finds "Áo thun - M / Đỏ".
    ///
    /// Every word of the query must start a word of the item (so "do" finds "Đỏ" and "đen" is
    /// not found by "en"). A query equal to a SKU ranks that item first; then items whose words
    /// the query matches whole rank above prefix matches; ties keep catalog order. At most
    /// `limit` hits.
    pub fn search(&self, query: &str, limit: usize) -> Vec<SearchHit> {
        let query_words = fold_words(query);
        if query_words.is_empty() {
            return Vec::new();
        }
        let query_joined: String = query_words.concat();
        let mut hits: Vec<SearchHit> = Vec::new();
        for item in self.items() {
            let mut words = fold_words(item.sku());
            let sku_joined: String = words.concat();
            match item {
                Item::Variant { product, variant } => {
                    words.extend(fold_words(&product.name));
                    for option in [&variant.size, &variant.colour].into_iter().flatten() {
                        words.extend(fold_words(option));
                    }
                }
                Item::Combo(c) => {
                    words.extend(fold_words(&c.name));
                    words.push("combo".to_owned());
                }
            }
            let mut score = 0;
            let mut all = true;
            for q in &query_words {
                if words.iter().any(|w| w == q) {
                    score += 3;
                } else if words.iter().any(|w| w.starts_with(q.as_str())) {
                    score += 2;
                } else {
                    all = false;
                    break;
                }
            }
            if !all {
                continue;
            }
            if sku_joined == query_joined {
                score += 1_000;
            }
            hits.push(SearchHit {
                sku: item.sku().to_owned(),
                name: item.display_name(),
                price: item.price(),
                is_combo: matches!(item, Item::Combo(_)),
                score,
            });
        }
        // Stable sort: equal scores keep catalog order.
        hits.sort_by_key(|h| std::cmp::Reverse(h.score));
        hits.truncate(limit);
        hits
    }
}

/// Splits `text` into words folded to lowercase ASCII without diacritics, with the crate's
/// shared hand-made folding (`phone::fold`, also used by template search), not a copy of it.
/// Anything that is not a letter or digit separates words.
fn fold_words(text: &str) -> Vec<String> {
    nobi_text::fold::fold_str(text)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn level(on_hand: i64) -> BTreeMap<String, StockLevel> {
        BTreeMap::from([(
            "kho-hn".to_owned(),
            StockLevel {
                on_hand,
                reserved: 0,
            },
        )])
    }

    /// A small catalog: a T-shirt in two variants, a cap without options, and a combo.
    pub(crate) fn sample() -> Catalog {
        Catalog {
            products: vec![
                Product {
                    id: "p1".into(),
                    name: "Áo thun cotton".into(),
                    images: vec![],
                    variants: vec![
                        Variant {
                            sku: "AT-M-DO".into(),
                            size: Some("M".into()),
                            colour: Some("Đỏ".into()),
                            price: Vnd(250_000),
                            weight_grams: 200,
                            stock: level(10),
                            images: vec![],
                        },
                        Variant {
                            sku: "AT-L-DEN".into(),
                            size: Some("L".into()),
                            colour: Some("Đen".into()),
                            price: Vnd(270_000),
                            weight_grams: 220,
                            stock: level(3),
                            images: vec![],
                        },
                    ],
                },
                Product {
                    id: "p2".into(),
                    name: "Mũ lưỡi trai".into(),
                    images: vec![],
                    variants: vec![Variant {
                        sku: "MU-01".into(),
                        price: Vnd(120_000),
                        weight_grams: 100,
                        stock: level(5),
                        ..Variant::default()
                    }],
                },
            ],
            combos: vec![Combo {
                id: "c1".into(),
                sku: "COMBO-HE".into(),
                name: "Combo mùa hè (2 áo + 1 mũ)".into(),
                price: Vnd(550_000),
                components: vec![
                    ComboComponent {
                        sku: "AT-M-DO".into(),
                        quantity: 2,
                    },
                    ComboComponent {
                        sku: "MU-01".into(),
                        quantity: 1,
                    },
                ],
                images: vec![],
            }],
        }
    }

    #[test]
    fn the_sample_is_sound() {
        assert_eq!(sample().validate(), vec![]);
    }

    #[test]
    fn items_and_names() {
        let c = sample();
        assert_eq!(
            c.item("AT-M-DO").unwrap().display_name(),
            "Áo thun cotton - M / Đỏ"
        );
        assert_eq!(c.item(" MU-01 ").unwrap().display_name(), "Mũ lưỡi trai");
        assert_eq!(c.item("COMBO-HE").unwrap().price(), Vnd(550_000));
        assert!(c.item("at-m-do").is_none(), "SKUs match exactly");
        assert!(c.variant("COMBO-HE").is_none());
    }

    #[test]
    fn combos_expand_to_components() {
        let c = sample();
        assert_eq!(
            c.components("COMBO-HE", 3).unwrap(),
            vec![("AT-M-DO".to_owned(), 6), ("MU-01".to_owned(), 3)]
        );
        assert_eq!(
            c.components("MU-01", 2).unwrap(),
            vec![("MU-01".to_owned(), 2)]
        );
        assert_eq!(
            c.components("NOPE", 1),
            Err(CatalogError::UnknownSku("NOPE".into()))
        );
        assert_eq!(
            c.components("COMBO-HE", u32::MAX),
            Err(CatalogError::QuantityOverflow("COMBO-HE".into()))
        );
    }

    #[test]
    fn combo_availability_is_whole_sets_of_components() {
        let c = sample();
        // 10 shirts / 2 = 5 sets, 5 caps / 1 = 5 sets.
        assert_eq!(c.available("COMBO-HE", "kho-hn"), Some(5));
        assert_eq!(c.available("AT-L-DEN", "kho-hn"), Some(3));
        assert_eq!(c.available("AT-L-DEN", "kho-hcm"), Some(0));
        assert_eq!(c.available("NOPE", "kho-hn"), None);
    }

    #[test]
    fn validation_finds_every_problem() {
        let mut c = sample();
        c.products[1].variants[0].sku = "AT-M-DO".into();
        c.products[0].variants[1].price = Vnd(-1);
        c.combos.push(Combo {
            id: "c2".into(),
            sku: "COMBO-2".into(),
            name: "x".into(),
            price: Vnd(1),
            components: vec![
                ComboComponent {
                    sku: "COMBO-HE".into(),
                    quantity: 0,
                },
                ComboComponent {
                    sku: "GHOST".into(),
                    quantity: 1,
                },
            ],
            images: vec![],
        });
        c.combos.push(Combo {
            id: "c3".into(),
            sku: "EMPTY".into(),
            ..Combo::default()
        });
        let errors = c.validate();
        assert!(errors.contains(&CatalogError::DuplicateSku("AT-M-DO".into())));
        assert!(errors.contains(&CatalogError::NegativePrice("AT-L-DEN".into())));
        assert!(errors.contains(&CatalogError::ZeroQuantity {
            combo: "COMBO-2".into(),
            component: "COMBO-HE".into()
        }));
        assert!(errors.contains(&CatalogError::ComboInCombo {
            combo: "COMBO-2".into(),
            component: "COMBO-HE".into()
        }));
        assert!(errors.contains(&CatalogError::UnknownSku("GHOST".into())));
        assert!(errors.contains(&CatalogError::EmptyCombo("EMPTY".into())));
        for e in &errors {
            assert_ne!(e.message(Lang::Vi), e.message(Lang::En));
        }
    }

    fn skus(hits: &[SearchHit]) -> Vec<&str> {
        hits.iter().map(|h| h.sku.as_str()).collect()
    }

    #[test]
    fn search_ignores_case_and_diacritics() {
        let c = sample();
        assert_eq!(skus(&c.search("ao thun do", 10)), vec!["AT-M-DO"]);
        assert_eq!(skus(&c.search("ÁO THUN", 10)), vec!["AT-M-DO", "AT-L-DEN"]);
        assert_eq!(skus(&c.search("mu luoi", 10)), vec!["MU-01"]);
        // Decomposed input (macOS) folds the same.
        assert_eq!(
            skus(&c.search("mu\u{0303} lu\u{031B}o\u{031B}\u{0300}i", 10)),
            vec!["MU-01"]
        );
        assert_eq!(skus(&c.search("combo", 10)), vec!["COMBO-HE"]);
        assert_eq!(skus(&c.search("den", 10)), vec!["AT-L-DEN"]);
        assert!(
            c.search("en", 10).is_empty(),
            "words match from their start"
        );
        assert!(c.search("   ", 10).is_empty());
        assert_eq!(c.search("ao", 1).len(), 1);
    }

    #[test]
    fn an_exact_sku_ranks_first() {
        let c = sample();
        let hits = c.search("mu-01", 10);
        assert_eq!(hits[0].sku, "MU-01");
        assert!(hits[0].score >= 1_000);
        // "AT M" is a prefix of two SKUs, and an exact word match beats a prefix match.
        assert_eq!(skus(&c.search("at m do", 10)), vec!["AT-M-DO"]);
        let hits = c.search("AT-L-DEN", 10);
        assert_eq!(hits[0].sku, "AT-L-DEN");
    }

    #[test]
    fn catalog_json_round_trips() {
        let c = sample();
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<Catalog>(&json).unwrap(), c);
    }

    #[test]
    fn products_are_found_by_name_or_sku_without_diacritics() {
        let product = |id: &str, name: &str, sku: &str| Product {
            id: id.into(),
            name: name.into(),
            images: Vec::new(),
            variants: vec![Variant {
                sku: sku.into(),
                ..Variant::default()
            }],
        };
        let catalog = Catalog {
            products: vec![
                product("1", "Áo thun trắng", "AO-TRANG-M"),
                product("2", "Quần jean", "QJ-30"),
                product("3", "Áo khoác", "AK-1"),
            ],
            combos: Vec::new(),
        };
        let ids = |q: &str, limit: usize| {
            catalog
                .search_products(q, limit)
                .iter()
                .map(|p| p.id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids("ao", 10), ["1", "3"]);
        assert_eq!(ids("qj-3", 10), ["2"], "a SKU, in any case");
        assert_eq!(ids("", 10), ["1", "2", "3"]);
        assert_eq!(ids("", 2), ["1", "2"]);
        assert!(ids("giày", 10).is_empty());
    }
}
