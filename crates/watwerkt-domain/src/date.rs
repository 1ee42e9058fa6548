//! Dates as precise as the source gives them: a year, a month, or a day.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::DomainError;

/// A calendar date known to year, month or day precision ("2022", "2016-06", "2017-07-13").
/// Ordering is chronological, with a less precise date sorting before a more precise one in the same period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    year: u16,
    month: Option<u8>,
    day: Option<u8>,
}

impl PartialDate {
    pub fn year(year: u16) -> Self {
        Self {
            year,
            month: None,
            day: None,
        }
    }

    /// `month` is 1-based; returns `None` for a month outside 1..=12.
    pub fn month(year: u16, month: u8) -> Option<Self> {
        (1..=12).contains(&month).then_some(Self {
            year,
            month: Some(month),
            day: None,
        })
    }

    /// Returns `None` for an impossible day (31 April, 29 February in a common year).
    pub fn day(year: u16, month: u8, day: u8) -> Option<Self> {
        let max = days_in_month(year, month)?;
        (1..=max).contains(&day).then_some(Self {
            year,
            month: Some(month),
            day: Some(day),
        })
    }

    pub fn get_year(&self) -> u16 {
        self.year
    }

    pub fn get_month(&self) -> Option<u8> {
        self.month
    }

    pub fn get_day(&self) -> Option<u8> {
        self.day
    }

    /// The date `days` after 1970-01-01 (the proleptic Gregorian calendar; H. Hinnant's
    /// `civil_from_days`), for callers that read the clock.
    pub fn from_unix_days(days: i64) -> Self {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
        Self {
            year,
            month: Some(month),
            day: Some(day),
        }
    }

    /// Months since year 0, counting an unknown month as December: the latest the date can mean.
    pub fn last_month_index(&self) -> u32 {
        u32::from(self.year) * 12 + u32::from(self.month.unwrap_or(12)) - 1
    }

    /// The date `months` later, as precise as this one but without the day.
    pub fn plus_months(&self, months: u32) -> Self {
        match self.month {
            Some(m) => {
                let i = u32::from(self.year) * 12 + u32::from(m) - 1 + months;
                Self {
                    year: (i / 12) as u16,
                    month: Some((i % 12) as u8 + 1),
                    day: None,
                }
            }
            None => Self::year(self.year + months.div_ceil(12) as u16),
        }
    }
}

#[cfg(test)]
mod clock_tests {
    use super::*;

    #[test]
    fn unix_days_and_month_arithmetic() {
        assert_eq!(PartialDate::from_unix_days(0).to_string(), "1970-01-01");
        assert_eq!(
            PartialDate::from_unix_days(20_791).to_string(),
            "2026-12-04"
        );
        assert_eq!(PartialDate::from_unix_days(-1).to_string(), "1969-12-31");
        let jun = PartialDate::month(2016, 6).unwrap();
        assert_eq!(jun.plus_months(24).to_string(), "2018-06");
        assert_eq!(jun.plus_months(7).to_string(), "2017-01");
        assert_eq!(PartialDate::year(2016).plus_months(18).to_string(), "2018");
        assert!(
            PartialDate::year(2018).last_month_index() > jun.plus_months(24).last_month_index()
        );
    }
}

fn days_in_month(year: u16, month: u8) -> Option<u8> {
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    Some(match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    })
}

/// Dutch month names, January first, as the catalogue writes them.
pub const DUTCH_MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

/// The month number of a Dutch month name ("januari" … "december"), case-insensitive.
pub fn month_from_dutch(name: &str) -> Option<u8> {
    let lower = name.to_lowercase();
    DUTCH_MONTHS
        .iter()
        .position(|m| *m == lower)
        .map(|i| i as u8 + 1)
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

impl FromStr for PartialDate {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || DomainError::Date {
            found: s.to_owned(),
        };
        let parts: Vec<&str> = s.split('-').collect();
        let num = |p: &str, len: usize| -> Result<u16, DomainError> {
            if p.len() == len && p.bytes().all(|b| b.is_ascii_digit()) {
                p.parse().map_err(|_| err())
            } else {
                Err(err())
            }
        };
        match parts.as_slice() {
            [y] => Ok(Self::year(num(y, 4)?)),
            [y, m] => Self::month(num(y, 4)?, num(m, 2)? as u8).ok_or_else(err),
            [y, m, d] => Self::day(num(y, 4)?, num(m, 2)? as u8, num(d, 2)? as u8).ok_or_else(err),
            _ => Err(err()),
        }
    }
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_each_precision() {
        for s in ["2022", "2016-06", "2017-07-13"] {
            assert_eq!(s.parse::<PartialDate>().unwrap().to_string(), s);
        }
    }

    #[test]
    fn rejects_malformed_and_impossible_dates() {
        for s in [
            "",
            "22",
            "2016-13",
            "2016-6",
            "2017-02-29",
            "2016-06-01-01",
            "abcd",
        ] {
            assert!(s.parse::<PartialDate>().is_err(), "{s} should fail");
        }
        assert!("2016-02-29".parse::<PartialDate>().is_ok());
    }

    #[test]
    fn dutch_month_names() {
        assert_eq!(month_from_dutch("September"), Some(9));
        assert_eq!(month_from_dutch("mei"), Some(5));
        assert_eq!(month_from_dutch("sept"), None);
    }

    #[test]
    fn orders_chronologically() {
        let a: PartialDate = "2016-06".parse().unwrap();
        let b: PartialDate = "2017".parse().unwrap();
        assert!(a < b);
    }
}
