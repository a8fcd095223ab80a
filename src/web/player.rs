//! The player: play or pause, speed, step back and forward.

use yew::prelude::*;

use crate::state::{Action, By, Move};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub playing: bool,
    /// With reduced motion nothing plays by itself; stepping still works.
    pub reduced: bool,
    pub speed: f64,
    /// The flow on show, and how many there are.
    pub flow: usize,
    pub flows: usize,
    pub send: Callback<Action>,
}

#[component]
pub fn Player(props: &Props) -> Html {
    let click = |action: Action| {
        let send = props.send.clone();
        Callback::from(move |_: MouseEvent| send.emit(action.clone()))
    };
    let none = props.flows == 0;
    let step = |to: Move| Action::Step { to, by: By::Reader };
    html! {
        <div class="vf-player" role="group" aria-label="Step through the traffic">
            <button type="button" class="vf-button vf-back" onclick={click(step(Move::Previous))} disabled={none}>
                <span aria-hidden="true">{ "◀ " }</span>{ "Back" }
            </button>
            if props.reduced {
                <span class="vf-muted">{ "Animation off (reduced motion)" }</span>
            } else {
                <button type="button" class="vf-button vf-play" onclick={click(if props.playing { Action::Pause } else { Action::Play })} disabled={none}>
                    <span aria-hidden="true">{ if props.playing { "❚❚ " } else { "▶ " } }</span>
                    { if props.playing { "Pause" } else { "Play" } }
                </button>
            }
            <button type="button" class="vf-button vf-next" onclick={click(step(Move::Next))} disabled={none}>
                { "Next" }<span aria-hidden="true">{ " ▶" }</span>
            </button>
            <span class="vf-flowcount">
                { if none { "No traffic in this configuration".to_string() } else { format!("Step {} of {}", props.flow + 1, props.flows) } }
            </span>
            if !props.reduced {
                <span class="vf-speed" role="group" aria-label="Speed">
                    { for [0.5, 1.0, 2.0].into_iter().map(|s| {
                        html! {
                            <button type="button" class="vf-button vf-small" aria-pressed={(props.speed == s).to_string()}
                                onclick={click(Action::Speed(s))}>
                                { format!("{s}×") }<span class="vf-sr">{ " speed" }</span>
                            </button>
                        }
                    }) }
                </span>
            }
        </div>
    }
}
