"""Ratings (好差评) screens: my ratings; supervisor 差评 review and staff tallies."""
