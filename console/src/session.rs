//! Who is signed in. One signal for the whole app: the sign-in page, the header and
//! every admin-only control read it, and any 401 sets it back to signed out.

use plugboard_shared::console::{OperatorInfo, Role};

#[derive(Debug, Clone, PartialEq)]
pub enum Session {
    /// `GET /console/api/session` has not answered yet.
    Checking,
    /// The sign-in page, with why we are here when there is something to say.
    SignedOut(Option<String>),
    SignedIn(OperatorInfo),
    /// The server could not say who we are (down, or answering errors).
    Unknown(String),
}

impl Session {
    pub fn is_signed_in(&self) -> bool {
        matches!(self, Self::SignedIn(_))
    }

    /// Admins delete accounts and manage API keys; support operators do not even see
    /// those controls (the server refuses them too).
    pub fn is_admin(&self) -> bool {
        matches!(self, Self::SignedIn(op) if op.role == Role::Admin)
    }
}
