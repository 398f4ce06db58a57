//! Errors of the use cases. Three outcomes reach a client differently:
//! `Forbidden` (signed in but not allowed, a top-level error), `Refused` (bad
//! input or a business rule said no: the payload's `userErrors`, nothing
//! changed, R34) and `Storage` (our fault: logged, answered as `INTERNAL`).

/// Passes the list of refusal codes (with their docs) to the macro named,
/// once here for `Code` and once in the API for `UserErrorCode`: the list
/// is written in this one place.
#[macro_export]
macro_rules! with_refusal_codes {
    ($then:ident) => {
        $then! {
            InvalidInput,
            NotFound,
            AlreadyExists,
            AlreadyMember,
            NotAMember,
            PartnerTierNotAllowed,
            InvalidDomain,
            DomainTaken,
            NotEligibleForPartnerSeat,
            LinkExpired,
            LinkRevoked,
            AlreadyApproved,
            AlreadySuperAdmin,
            NotSuperAdmin,
            LastSuperAdmin,
            CannotRemoveSuperAdmin,
            BuiltIn,
            NotDeactivated,
            TestClockDisabled,
            /// v1.1: visible, but the caller may not do this there (R40).
            NotAllowed,
            /// v1.2, R52: the TXT record was not found, or does not match.
            DomainNotProven,
            /// v1.2: this client account declined the link (R54).
            LinkDeclined,
            /// v1.2: this client account declined the link already (R54).
            AlreadyDeclined,
        }
    };
}

macro_rules! define_code {
    ($($(#[$doc:meta])* $code:ident,)+) => {
        /// Stable codes of refusals; the API's `UserErrorCode` is made from
        /// the same list (`with_refusal_codes`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $($(#[$doc])* $code,)+
        }
    };
}
with_refusal_codes!(define_code);

/// One reason a request was refused, with the input field at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: Code,
    pub field: Option<Vec<String>>,
    pub message: String,
}

impl Refusal {
    /// `message` is for the user: a text, or a typed parse error.
    pub fn new(code: Code, message: impl std::fmt::Display) -> Self {
        Self { code, field: None, message: message.to_string() }
    }

    /// The refusal concerns item `index` of the list `input.<field>`.
    pub fn at_item(self, field: &str, index: usize) -> Self {
        self.at(&[field, &index.to_string()])
    }

    /// The refusal concerns `input.<path…>`.
    pub fn at(mut self, path: &[&str]) -> Self {
        let mut field = vec!["input".to_string()];
        field.extend(path.iter().map(|p| p.to_string()));
        self.field = Some(field);
        self
    }
}

/// What caused a storage failure: the driver's error (with its own
/// sources) or a description, kept whole for the logs.
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

/// A failure of the storage adapter. Its text is for logs, never for
/// clients; `source()` leads to the cause (`chain` prints all of it).
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// A uniqueness constraint was violated; the string names it.
    #[error("unique constraint violated: {0}")]
    Conflict(String),
    /// The database could not serve the request in time (no free
    /// connection, a lock or statement timeout, the server is down): the
    /// caller may retry later (`SERVICE_UNAVAILABLE`).
    #[error("storage unavailable")]
    Unavailable(#[source] Cause),
    /// A deadlock or serialization failure: the transaction was rolled back
    /// and running the whole use case again may succeed.
    #[error("transient storage conflict")]
    Transient(#[source] Cause),
    #[error("storage failure")]
    Other(#[source] Cause),
}

/// An error and every `source()` under it, on one line: `a: b: c`. Each
/// cause is named once: a source whose text its parent already printed
/// (many errors repeat their source in their own message) is left out.
pub fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(s) = next {
        let text = s.to_string();
        if !text.is_empty() && !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        next = s.source();
    }
    out
}

impl StorageError {
    /// Whether running the whole use case again may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Transient(_))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Signed in, but this principal may not do this (top-level `FORBIDDEN`).
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The request was refused; nothing changed.
    #[error("refused: {0:?}")]
    Refused(Vec<Refusal>),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl Error {
    pub fn refused(code: Code, message: impl std::fmt::Display) -> Self {
        Self::Refused(vec![Refusal::new(code, message)])
    }
    pub fn refused_at(code: Code, path: &[&str], message: impl std::fmt::Display) -> Self {
        Self::Refused(vec![Refusal::new(code, message).at(path)])
    }
    pub fn forbidden(why: impl Into<String>) -> Self {
        Self::Forbidden(why.into())
    }
    /// R33: what the caller cannot see is reported as not found.
    pub fn not_found(path: &[&str], what: &str) -> Self {
        Self::refused_at(Code::NotFound, path, format!("{what} not found"))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("Connection error: {0}")]
    struct Repeats(#[source] std::io::Error);

    #[derive(Debug, thiserror::Error)]
    #[error("the email was not delivered")]
    struct Outer(#[source] Repeats);

    #[test]
    fn a_chain_names_each_cause_once() {
        // R57: lastError names each cause once.
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "Connection refused (os error 111)");
        let text = chain(&Outer(Repeats(refused)));
        assert_eq!(text, "the email was not delivered: Connection error: Connection refused (os error 111)");
    }

    #[derive(Debug, thiserror::Error)]
    #[error("relation \"email_outbox\" does not exist")]
    struct Driver;

    #[derive(Debug, thiserror::Error)]
    #[error("query failed")]
    struct Query(#[source] Driver);

    #[test]
    fn a_storage_failure_keeps_its_cause_for_the_logs() {
        // An INTERNAL answer hides the cause from the client; the log line
        // must still say what the database said, however deep.
        let e: Error = StorageError::Other(Box::new(Query(Driver))).into();
        assert_eq!(chain(&e), "storage failure: query failed: relation \"email_outbox\" does not exist");
        let described = StorageError::Transient("user created meanwhile".into());
        assert_eq!(chain(&described), "transient storage conflict: user created meanwhile");
    }
}
