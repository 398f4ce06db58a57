//! Keyset paging: rows come in ascending id order, and a cursor is the last id
//! seen, so pages stay correct while rows are added.

pub const DEFAULT_PAGE: u32 = 50;
pub const MAX_PAGE: u32 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageRequest {
    pub first: u32,
    /// Only rows with an id greater than this.
    pub after: Option<i64>,
    /// Only the total is asked for (a connection's `totalCount` without its
    /// edges, nodes or page info): no row is read, the page's items are
    /// empty and `has_next` is false.
    pub count_only: bool,
}

/// A page size out of range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidPage {
    #[error("first must not be negative")]
    Negative,
    #[error("first may be at most {MAX_PAGE}")]
    TooLarge,
}

impl PageRequest {
    /// `first` defaults to 50 and may not exceed 100 nor be negative.
    pub fn new(first: Option<i32>, after: Option<i64>) -> Result<Self, InvalidPage> {
        let first = match first {
            None => DEFAULT_PAGE,
            Some(n) if n < 0 => return Err(InvalidPage::Negative),
            Some(n) if n as u32 > MAX_PAGE => return Err(InvalidPage::TooLarge),
            Some(n) => n as u32,
        };
        Ok(Self { first, after, count_only: false })
    }

    /// The same request when only its total will be read.
    pub fn count_only(self) -> Self {
        Self { count_only: true, ..self }
    }
}

#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_next: bool,
    pub has_previous: bool,
    /// Rows matching the filter, on every page.
    pub total: u64,
}

impl<T> Page<T> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            has_next: self.has_next,
            has_previous: self.has_previous,
            total: self.total,
        }
    }
}
