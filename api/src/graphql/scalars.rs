//! `DateTime`: a point in time as clients expect it, RFC 3339 in UTC with
//! millisecond precision and `Z` (`2026-12-25T14:27:57.832Z`). Input takes
//! any RFC 3339 offset and keeps its precision.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{SecondsFormat, Utc};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateTime(pub chrono::DateTime<Utc>);

/// A point in time: RFC 3339 in UTC with millisecond precision, e.g.
/// `2026-12-25T14:27:57.832Z`. Input accepts any RFC 3339 offset.
#[Scalar(name = "DateTime", specified_by_url = "https://www.rfc-editor.org/rfc/rfc3339")]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => chrono::DateTime::parse_from_rfc3339(s)
                .map(|t| DateTime(t.with_timezone(&Utc)))
                .map_err(|_| InputValueError::custom("expected an RFC 3339 date-time, e.g. 2026-12-25T14:27:57Z")),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_rfc3339_opts(SecondsFormat::Millis, true))
    }
}

impl From<chrono::DateTime<Utc>> for DateTime {
    fn from(t: chrono::DateTime<Utc>) -> Self {
        Self(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn times_are_written_with_milliseconds_and_z_and_read_in_any_offset() {
        let t = Utc.timestamp_nanos(1_798_208_877_832_531_139);
        assert_eq!(DateTime(t).to_value(), Value::String("2026-12-25T14:27:57.832Z".into()));
        let read = <DateTime as ScalarType>::parse(Value::String("2026-12-25T15:27:57.5+01:00".into())).unwrap();
        assert_eq!(
            read.0,
            Utc.with_ymd_and_hms(2026, 12, 25, 14, 27, 57).unwrap() + chrono::Duration::milliseconds(500)
        );
        assert!(<DateTime as ScalarType>::parse(Value::String("yesterday".into())).is_err());
    }
}
