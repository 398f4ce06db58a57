//! Who is acting: the operator (the platform, by its static token) or a
//! signed-in user.

use crate::user::model::User;

#[derive(Debug, Clone)]
pub enum Principal {
    Operator,
    User(User),
}

impl Principal {
    pub fn user(&self) -> Option<&User> {
        match self {
            Principal::User(u) => Some(u),
            Principal::Operator => None,
        }
    }
    pub fn is_operator(&self) -> bool {
        matches!(self, Principal::Operator)
    }
}
