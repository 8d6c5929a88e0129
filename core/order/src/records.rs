//! Orders, products and combos are records of the local store, like the CRM's (see
//! [`nobi_crm::Record`]); the impls live here because the order types do.

use nobi_crm::{Millis, Record};

impl Record for crate::Order {
    const STORE: &'static str = nobi_crm::schema::ORDERS;
    fn key(&self) -> &str {
        &self.id
    }
    fn touch(&mut self, now: Millis) {
        self.updated_at = now;
    }
}

/// Products carry no timestamps of their own: the change log has them.
impl Record for crate::catalog::Product {
    const STORE: &'static str = nobi_crm::schema::PRODUCTS;
    fn key(&self) -> &str {
        &self.id
    }
    fn touch(&mut self, _now: Millis) {}
}

impl Record for crate::catalog::Combo {
    const STORE: &'static str = nobi_crm::schema::COMBOS;
    fn key(&self) -> &str {
        &self.id
    }
    fn touch(&mut self, _now: Millis) {}
}
