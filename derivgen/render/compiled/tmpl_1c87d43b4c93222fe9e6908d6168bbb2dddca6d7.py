from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'latex.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_begin = l_0_end = l_0_heading = l_0_para = l_0_name = l_0_plain = l_0_display = l_0_row = l_0_items = l_0_lines = missing
    try:
        t_1 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_2 = environment.filters['map']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'map' found.")
    try:
        t_3 = environment.filters['name']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'name' found.")
    pass
    def macro(l_1_title, l_1_lang):
        t_4 = []
        if l_1_title is missing:
            l_1_title = undefined("parameter 'title' was not provided", name='title')
        if l_1_lang is missing:
            l_1_lang = undefined("parameter 'lang' was not provided", name='lang')
        pass
        t_4.append(
            '\\documentclass[a4paper,11pt]{article}\n',
        )
        if (l_1_lang == 'ru'):
            pass
            t_4.append(
                '\\usepackage[T2A]{fontenc}\n\\usepackage[utf8]{inputenc}\n\\usepackage[english,russian]{babel}\n',
            )
        else:
            pass
            if ('fontencoding{T2A}' in l_1_title):
                pass
                t_4.append(
                    '\\usepackage[T2A,OT1]{fontenc}\n',
                )
            t_4.append(
                '\\usepackage[utf8]{inputenc}\n\\usepackage[english]{babel}\n',
            )
        t_4.extend((
            '\\usepackage{amsmath,amssymb}\n\\usepackage[margin=2cm]{geometry}\n\\emergencystretch=2em\n\\begin{document}\n\\section*{\\raggedright ',
            str(l_1_title),
            '}\n\n',
        ))
        return concat(t_4)
    context.exported_vars.add('begin')
    context.vars['begin'] = l_0_begin = Macro(environment, macro, 'begin', ('title', 'lang'), False, False, False, context.eval_ctx.autoescape)
    def macro():
        t_5 = []
        pass
        t_5.append(
            '\\end{document}\n',
        )
        return concat(t_5)
    context.exported_vars.add('end')
    context.vars['end'] = l_0_end = Macro(environment, macro, 'end', (), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_level, l_1_text):
        t_6 = []
        if l_1_level is missing:
            l_1_level = undefined("parameter 'level' was not provided", name='level')
        if l_1_text is missing:
            l_1_text = undefined("parameter 'text' was not provided", name='text')
        pass
        if (l_1_level == 1):
            pass
            t_6.extend((
                '\\subsection*{',
                str(l_1_text),
                '}\n',
            ))
        else:
            pass
            t_6.extend((
                '\\subsubsection*{',
                str(l_1_text),
                '}\n',
            ))
        t_6.append(
            '\n',
        )
        return concat(t_6)
    context.exported_vars.add('heading')
    context.vars['heading'] = l_0_heading = Macro(environment, macro, 'heading', ('level', 'text'), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_text):
        t_7 = []
        if l_1_text is missing:
            l_1_text = undefined("parameter 'text' was not provided", name='text')
        pass
        t_7.extend((
            str(l_1_text),
            '\n\n',
        ))
        return concat(t_7)
    context.exported_vars.add('para')
    context.vars['para'] = l_0_para = Macro(environment, macro, 'para', ('text',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_text):
        t_8 = []
        if l_1_text is missing:
            l_1_text = undefined("parameter 'text' was not provided", name='text')
        pass
        t_8.extend((
            '\\texttt{',
            str(t_3(l_1_text)),
            '}',
        ))
        return concat(t_8)
    context.exported_vars.add('name')
    context.vars['name'] = l_0_name = Macro(environment, macro, 'name', ('text',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_text):
        t_9 = []
        if l_1_text is missing:
            l_1_text = undefined("parameter 'text' was not provided", name='text')
        pass
        t_9.append(
            str(t_3(l_1_text)),
        )
        return concat(t_9)
    context.exported_vars.add('plain')
    context.vars['plain'] = l_0_plain = Macro(environment, macro, 'plain', ('text',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_d):
        t_10 = []
        if l_1_d is missing:
            l_1_d = undefined("parameter 'd' was not provided", name='d')
        pass
        if environment.getattr(l_1_d, 'lines'):
            pass
            t_10.extend((
                '\\begin{align*}\n',
                str(t_1(context.eval_ctx, environment.getattr(l_1_d, 'lines'), ' \\\\\n')),
                '\n\\end{align*}\n',
            ))
        else:
            pass
            t_10.extend((
                '\\[ ',
                str(environment.getattr(l_1_d, 'latex')),
                ' \\]\n',
            ))
        t_10.append(
            '\n',
        )
        return concat(t_10)
    context.exported_vars.add('display')
    context.vars['display'] = l_0_display = Macro(environment, macro, 'display', ('d',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_ds):
        t_11 = []
        if l_1_ds is missing:
            l_1_ds = undefined("parameter 'ds' was not provided", name='ds')
        pass
        t_11.extend((
            '\\[ ',
            str(t_1(context.eval_ctx, t_2(context, l_1_ds, attribute='latex'), ', \\quad ')),
            ' \\]\n\n',
        ))
        return concat(t_11)
    context.exported_vars.add('row')
    context.vars['row'] = l_0_row = Macro(environment, macro, 'row', ('ds',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_lines, l_1_numbered):
        t_12 = []
        if l_1_lines is missing:
            l_1_lines = undefined("parameter 'lines' was not provided", name='lines')
        if l_1_numbered is missing:
            l_1_numbered = False
        pass
        t_12.extend((
            '\\begin{',
            str(('enumerate' if l_1_numbered else 'itemize')),
            '}\n',
        ))
        for l_2_line in l_1_lines:
            _loop_vars = {}
            pass
            t_12.extend((
                '  \\item ',
                str(l_2_line),
                '\n',
            ))
        l_2_line = missing
        t_12.extend((
            '\\end{',
            str(('enumerate' if l_1_numbered else 'itemize')),
            '}\n\n',
        ))
        return concat(t_12)
    context.exported_vars.add('items')
    context.vars['items'] = l_0_items = Macro(environment, macro, 'items', ('lines', 'numbered'), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_ds, l_1_numbered):
        t_13 = []
        if l_1_ds is missing:
            l_1_ds = undefined("parameter 'ds' was not provided", name='ds')
        if l_1_numbered is missing:
            l_1_numbered = False
        pass
        t_13.extend((
            '\\begin{',
            str(('enumerate' if l_1_numbered else 'itemize')),
            '}\n',
        ))
        for l_2_d in l_1_ds:
            _loop_vars = {}
            pass
            if environment.getattr(l_2_d, 'lines'):
                pass
                t_13.extend((
                    '  \\item $\\displaystyle \\begin{aligned}[t] ',
                    str(t_1(context.eval_ctx, environment.getattr(l_2_d, 'lines'), ' \\\\ ')),
                    ' \\end{aligned}$\n',
                ))
            else:
                pass
                t_13.extend((
                    '  \\item $\\displaystyle ',
                    str(environment.getattr(l_2_d, 'latex')),
                    '$\n',
                ))
        l_2_d = missing
        t_13.extend((
            '\\end{',
            str(('enumerate' if l_1_numbered else 'itemize')),
            '}\n\n',
        ))
        return concat(t_13)
    context.exported_vars.add('lines')
    context.vars['lines'] = l_0_lines = Macro(environment, macro, 'lines', ('ds', 'numbered'), False, False, False, context.eval_ctx.autoescape)

blocks = {}
debug_info = '4=30&6=40&11=47&21=57&24=63&27=72&28=79&29=83&31=90&35=99&36=105&39=111&40=124&41=135&42=140&44=144&47=151&51=160&52=167&55=173&56=182&57=185&58=190&60=196&63=202&64=211&65=214&66=217&67=221&69=228&72=234'