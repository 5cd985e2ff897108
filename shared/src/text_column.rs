//! The server stores ids and statuses as text columns. With the `sqlx` feature they decode
//! straight into their checked types, so a row read from the database is as trustworthy as
//! a parsed request, and a bad stored value is one clear decode error.

use sqlx::error::BoxDynError;
use sqlx::{Database, Decode, Encode, Type};

/// Implements `Type`, `Encode` and `Decode` for `$ty` through its text form: `$to_text`
/// gives it, `$from_text` (fallible) reads it back.
macro_rules! text_column {
    ($ty:ty, $to_text:expr, $from_text:expr) => {
        impl<DB: Database> Type<DB> for $ty
        where
            String: Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <String as Type<DB>>::type_info()
            }

            fn compatible(ty: &DB::TypeInfo) -> bool {
                <String as Type<DB>>::compatible(ty)
            }
        }

        impl<'q, DB: Database> Encode<'q, DB> for $ty
        where
            String: Encode<'q, DB>,
        {
            fn encode_by_ref(
                &self,
                buf: &mut <DB as Database>::ArgumentBuffer<'q>,
            ) -> Result<sqlx::encode::IsNull, BoxDynError> {
                let text: String = $to_text(self);
                <String as Encode<'q, DB>>::encode_by_ref(&text, buf)
            }
        }

        impl<'r, DB: Database> Decode<'r, DB> for $ty
        where
            String: Decode<'r, DB>,
        {
            fn decode(value: <DB as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
                let text = <String as Decode<'r, DB>>::decode(value)?;
                $from_text(text)
            }
        }
    };
}

/// A stored value that is not one of the type's values.
#[derive(Debug)]
struct UnknownValue(&'static str, String);

impl std::fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} is not a known {}", self.1, self.0)
    }
}

impl std::error::Error for UnknownValue {}

macro_rules! id_column {
    ($ty:ty) => {
        text_column!($ty, |id: &$ty| id.as_str().to_owned(), |text: String| Ok(
            <$ty>::parse(text)?
        ));
    };
}

id_column!(crate::TenantId);
id_column!(crate::AppKey);
id_column!(crate::AccountId);
id_column!(crate::DeploymentId);

text_column!(
    crate::AccountStatus,
    |status: &crate::AccountStatus| status.as_str().to_owned(),
    |text: String| crate::AccountStatus::parse(&text).ok_or_else(|| UnknownValue("account status", text).into())
);
text_column!(
    crate::ConnectResult,
    |result: &crate::ConnectResult| result.as_str().to_owned(),
    |text: String| crate::ConnectResult::parse(&text).ok_or_else(|| UnknownValue("attempt result", text).into())
);
