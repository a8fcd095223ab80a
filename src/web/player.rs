//! The player: play or pause, speed, step back and forward.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub playing: bool,
    /// With reduced motion nothing plays by itself; stepping still works.
    pub reduced: bool,
    pub speed: f64,
    pub step: usize,
    pub steps: usize,
    pub on_toggle: Callback<()>,
    pub on_speed: Callback<f64>,
    pub on_prev: Callback<()>,
    pub on_next: Callback<()>,
}

#[component]
pub fn Player(props: &Props) -> Html {
    let click = |cb: &Callback<()>| {
        let cb = cb.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let none = props.steps == 0;
    html! {
        <div class="vf-player" role="group" aria-label="Step through the traffic">
            <button type="button" class="vf-button vf-back" onclick={click(&props.on_prev)} disabled={none}>
                <span aria-hidden="true">{ "◀ " }</span>{ "Back" }
            </button>
            if props.reduced {
                <span class="vf-muted">{ "Animation off (reduced motion)" }</span>
            } else {
                <button type="button" class="vf-button vf-play" onclick={click(&props.on_toggle)} disabled={none}>
                    <span aria-hidden="true">{ if props.playing { "❚❚ " } else { "▶ " } }</span>
                    { if props.playing { "Pause" } else { "Play" } }
                </button>
            }
            <button type="button" class="vf-button vf-next" onclick={click(&props.on_next)} disabled={none}>
                { "Next" }<span aria-hidden="true">{ " ▶" }</span>
            </button>
            <span class="vf-stepcount">
                { if none { "No traffic in this configuration".to_string() } else { format!("Step {} of {}", props.step + 1, props.steps) } }
            </span>
            if !props.reduced {
                <span class="vf-speed" role="group" aria-label="Speed">
                    { for [0.5, 1.0, 2.0].into_iter().map(|s| {
                        let on_speed = props.on_speed.clone();
                        html! {
                            <button type="button" class="vf-button vf-small" aria-pressed={(props.speed == s).to_string()}
                                onclick={Callback::from(move |_| on_speed.emit(s))}>
                                { format!("{s}×") }<span class="vf-sr">{ " speed" }</span>
                            </button>
                        }
                    }) }
                </span>
            }
        </div>
    }
}
