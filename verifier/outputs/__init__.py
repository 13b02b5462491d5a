"""What a person reads: JSON/HTML reports, plots, handouts, advice, the quiz, side-by-side demos and video exports."""
