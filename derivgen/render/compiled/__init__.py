"""Templates compiled by derivgen.render.precompiled (generated; do not edit)."""

#: what the modules here were compiled from (checked before they are used)
MADE_FROM = {
    'compact.j2': 'd759e62fce7519f02bd38dd152258d83a192925dfd87ba855ccb82fefb0540ea',
    'derivation.j2': 'b1b44b64db0d4516f7ad45ecf850dc3be0c4a1d353c912784cbe14d481284145',
    'en.j2': 'eff290d14653f16944cdee276c03058d695053af905d3cb98a1f9c6a4c11c8e5',
    'latex.j2': '4ecffdc95a7896b533042c4df30178039163b6b31f3324a54acf8935b3b24d84',
    'markdown.j2': 'f3d08222de2f885b756dab3f581d883711eed8c8580ab229037d0e412cd21731',
    'matrix.j2': '0d901738da8d78d4ae79be57a4c67f453eba8dbfaf3f3478087b5abb329bf61c',
    'ru.j2': '814c535565aecaa9475e44c65292b0a09ba0ed5839fdf89de399ec5b6cd98286',
    'worked.j2': 'ee4eb7c765c478c4eae5d19825f33e309065eeb593ffe2b36a539d2eb9e9ee07',
    ':options': 'a85fbaff7f93d8061e035747aac73f17d2615ab009b81cd3c6c5c0edb4120fa7',
    ':jinja': '3.1.6',
}
