//! The programme around the projects: its lines, partners, funding rounds and timeline.

use serde::{Deserialize, Serialize};

use crate::{PartialDate, SourceRef, Theme};

/// A programme line with the texts the pages give about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgrammeLine {
    pub theme: Theme,
    /// Introduction from the project catalogue's theme section.
    pub intro: Option<String>,
    /// Description from the programme page ("Vier programmalijnen").
    pub description: Option<String>,
}

/// A closing date for one topic of a round ("werkgeversdienstverlening (open tot 3 oktober 2017)").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundDeadline {
    pub topic: String,
    pub closes: PartialDate,
}

/// A funding round (subsidieronde).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundingRound {
    /// Stable identifier ("ronde-1", "ronde-2022-re-integratie").
    pub id: String,
    pub name: String,
    pub themes: Vec<Theme>,
    pub opened: Option<PartialDate>,
    pub closed: Option<PartialDate>,
    pub deadlines: Vec<RoundDeadline>,
    pub applications: Option<u32>,
    pub granted: Option<u32>,
    pub granted_on: Option<PartialDate>,
    /// Topics of granted projects as the news pages list them.
    pub topics: Vec<String>,
    pub description: Option<String>,
    pub sources: Vec<SourceRef>,
}

/// A dated event under "Voortgang".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEvent {
    pub date: PartialDate,
    pub text: String,
    pub source: SourceRef,
}

/// The programme as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Programme {
    pub name: String,
    pub intro: Option<String>,
    pub partners: Vec<String>,
    pub lines: Vec<ProgrammeLine>,
    pub rounds: Vec<FundingRound>,
    pub timeline: Vec<TimelineEvent>,
}

impl Programme {
    /// Combines what several pages say: later values fill gaps, lists are unioned in order.
    pub fn merge(&mut self, other: Programme) {
        if self.name.is_empty() {
            self.name = other.name;
        }
        if self.intro.is_none() {
            self.intro = other.intro;
        }
        for p in other.partners {
            if !self.partners.contains(&p) {
                self.partners.push(p);
            }
        }
        for line in other.lines {
            match self.lines.iter_mut().find(|l| l.theme == line.theme) {
                Some(l) => {
                    if l.intro.is_none() {
                        l.intro = line.intro;
                    }
                    if l.description.is_none() {
                        l.description = line.description;
                    }
                }
                None => self.lines.push(line),
            }
        }
        for round in other.rounds {
            if let Some(r) = self.rounds.iter_mut().find(|r| r.id == round.id) {
                *r = round;
            } else {
                self.rounds.push(round);
            }
        }
        for ev in other.timeline {
            if !self
                .timeline
                .iter()
                .any(|e| e.date == ev.date && e.text == ev.text)
            {
                self.timeline.push(ev);
            }
        }
        self.lines.sort_by_key(|l| l.theme);
        self.timeline.sort_by_key(|e| std::cmp::Reverse(e.date));
    }
}
