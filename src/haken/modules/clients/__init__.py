"""Client companies (派遣先), their sites (事業所), organisational units (組織単位), contacts."""
